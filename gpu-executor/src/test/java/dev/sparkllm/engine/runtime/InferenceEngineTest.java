package dev.sparkllm.engine.runtime;

import dev.sparkllm.engine.chat.ChatMessage;
import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.sampling.SamplingParams;
import dev.sparkllm.engine.testutil.TestModels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generation loop on the real model: batching invariants, stopping rules and bad rows. */
class InferenceEngineTest {
    private static final LoadedModel MODEL = TestModels.smolLm2();
    private static final SamplingParams GREEDY_16 = new SamplingParams(16, 0f, 0, 1f, 0f, null, List.of(), false);
    private static final List<String> PROMPTS = List.of(
            "What is the capital of Italy?", "Name two fruits.", "Say hello in French.", "What is 2 + 2?");

    private static List<GenerationResult> run(EngineOptions options, List<GenerationRequest> requests) {
        try (InferenceEngine engine = InferenceEngine.cpu(MODEL, options)) {
            return engine.generate(requests);
        }
    }

    private static List<GenerationRequest> prompts(SamplingParams p) {
        List<GenerationRequest> out = new ArrayList<>();
        for (int i = 0; i < PROMPTS.size(); i++) out.add(GenerationRequest.ofPrompt("r" + i, PROMPTS.get(i), p));
        return out;
    }

    @Test
    void greedyOutputDoesNotDependOnBatchSizeOrPrefillChunking() {
        List<GenerationResult> one = run(new EngineOptions(1, 512, 1024), prompts(GREEDY_16));
        List<GenerationResult> many = run(new EngineOptions(4, 512, 1024), prompts(GREEDY_16));
        List<GenerationResult> chunked = run(new EngineOptions(4, 7, 1024), prompts(GREEDY_16));
        for (int i = 0; i < PROMPTS.size(); i++) {
            assertNull(one.get(i).error());
            assertArrayEquals(one.get(i).tokenIds(), many.get(i).tokenIds(), "batch of 4 changed " + PROMPTS.get(i));
            assertArrayEquals(one.get(i).tokenIds(), chunked.get(i).tokenIds(), "chunked prefill changed " + PROMPTS.get(i));
            assertEquals(one.get(i).text(), many.get(i).text());
        }
    }

    @Test
    void seededSamplingIsReproducibleWhateverElseIsInTheBatch() {
        SamplingParams sampled = new SamplingParams(16, 0.9f, 40, 0.95f, 0.02f, 1234L, List.of(), false);
        GenerationRequest target = GenerationRequest.ofPrompt("target", "Write a short poem about rivers.", sampled);
        GenerationResult alone = run(new EngineOptions(4, 512, 1024), List.of(target)).get(0);
        List<GenerationRequest> crowd = new ArrayList<>(prompts(new SamplingParams(16, 1.0f, 0, 1f, 0f, 7L, List.of(), false)));
        crowd.add(1, target);
        GenerationResult inCrowd = run(new EngineOptions(4, 512, 1024), crowd).get(1);
        assertArrayEquals(alone.tokenIds(), inCrowd.tokenIds());
        assertEquals(alone.text(), inCrowd.text());
    }

    @Test
    void maxTokensEndsWithLengthAndEosWithStop() {
        GenerationResult r = run(EngineOptions.DEFAULT, List.of(GenerationRequest.ofPrompt("a", "Count from 1 to 100.",
                GREEDY_16.withMaxTokens(5)))).get(0);
        assertEquals("length", r.finishReason());
        assertEquals(5, r.completionTokens());
        GenerationResult done = run(EngineOptions.DEFAULT, List.of(GenerationRequest.ofPrompt("b", "Reply with the single word: yes",
                GREEDY_16.withMaxTokens(64)))).get(0);
        assertEquals("stop", done.finishReason(), "expected the model to end its short answer: " + done.text());
        assertFalse(done.text().contains("<|im_end|>"));
    }

    @Test
    void stopStringCutsTheTextBeforeIt() {
        GenerationResult free = run(EngineOptions.DEFAULT, List.of(GenerationRequest.ofPrompt("a", "List the days of the week.",
                GREEDY_16.withMaxTokens(40)))).get(0);
        String text = free.text();
        assertTrue(text.length() > 10, text);
        String stop = text.substring(6, 9);
        int cut = text.indexOf(stop);
        SamplingParams withStop = new SamplingParams(40, 0f, 0, 1f, 0f, null, List.of(stop), false);
        GenerationResult stopped = run(EngineOptions.DEFAULT, List.of(GenerationRequest.ofPrompt("a", "List the days of the week.",
                withStop))).get(0);
        assertEquals("stop", stopped.finishReason());
        assertEquals(text.substring(0, cut), stopped.text());
    }

    @Test
    void badRowsGetTheirOwnErrorsWhileTheOthersFinish() {
        StringBuilder huge = new StringBuilder();
        for (int i = 0; i < 3000; i++) huge.append("word ");
        List<GenerationRequest> requests = List.of(
                GenerationRequest.ofPrompt("good1", "Say hi.", GREEDY_16),
                GenerationRequest.ofPrompt("null", null, GREEDY_16),
                GenerationRequest.ofPrompt("empty", "", GREEDY_16),
                GenerationRequest.ofPrompt("long", huge.toString(), GREEDY_16),
                GenerationRequest.ofPrompt("temp", "Hi", new SamplingParams(8, -1f, 0, 1f, 0f, null, List.of(), false)),
                GenerationRequest.ofPrompt("topp", "Hi", new SamplingParams(8, 0.5f, 0, 0f, 0f, null, List.of(), false)),
                GenerationRequest.ofPrompt("maxtok", "Hi", new SamplingParams(-3, 0f, 0, 1f, 0f, null, List.of(), false)),
                GenerationRequest.ofTokens("vocab", new int[]{1, 99999999}, GREEDY_16),
                new GenerationRequest("nomsg", null, List.of(), null, GREEDY_16, true, null),
                new GenerationRequest("good2", null, List.of(new ChatMessage("user", "Say bye.")), null, GREEDY_16, true, null));
        List<GenerationResult> r = run(new EngineOptions(4, 512, 1024), requests);
        assertEquals(requests.size(), r.size());
        assertTrue(r.get(0).ok() && r.get(9).ok(), "good rows failed: " + r.get(0) + " " + r.get(9));
        assertTrue(r.get(0).completionTokens() > 0);
        assertEquals("prompt is null", r.get(1).error());
        assertEquals("prompt is empty", r.get(2).error());
        assertTrue(r.get(3).error().contains("context holds 1024"), r.get(3).error());
        assertTrue(r.get(3).promptTokens() > 1024);
        assertTrue(r.get(4).error().contains("temperature"), r.get(4).error());
        assertTrue(r.get(5).error().contains("top_p"), r.get(5).error());
        assertTrue(r.get(6).error().contains("max_tokens"), r.get(6).error());
        assertTrue(r.get(7).error().contains("99999999"), r.get(7).error());
        assertEquals("prompt is empty", r.get(8).error());
        for (int i = 1; i <= 8; i++) {
            assertEquals("error", r.get(i).finishReason());
            assertEquals(requests.get(i).id(), r.get(i).id());
        }
    }

    @Test
    void promptThatFillsTheContextFinishesWithLength() {
        int[] prompt = new int[100];
        java.util.Arrays.fill(prompt, 260);
        GenerationResult r = run(new EngineOptions(2, 128, 104), List.of(GenerationRequest.ofTokens("x", prompt,
                new SamplingParams(50, 0f, 0, 1f, 0f, null, List.of(), true)))).get(0);
        assertTrue(r.ok(), String.valueOf(r.error()));
        assertEquals(4, r.completionTokens());
        assertEquals("length", r.finishReason());
    }
}
