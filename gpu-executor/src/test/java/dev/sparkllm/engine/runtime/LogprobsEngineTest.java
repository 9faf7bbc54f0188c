package dev.sparkllm.engine.runtime;

import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.sampling.SamplingParams;
import dev.sparkllm.engine.sampling.TokenLogprob;
import dev.sparkllm.engine.testutil.TestModels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Log-probabilities through the whole engine: they describe the tokens and never change them. */
class LogprobsEngineTest {
    private static final LoadedModel MODEL = TestModels.smolLm2();
    private static final List<String> PROMPTS = List.of(
            "What is the capital of Italy?", "Name two fruits.", "Write a short poem about rivers.");

    private static List<GenerationResult> run(SamplingParams p) {
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < PROMPTS.size(); i++) requests.add(GenerationRequest.ofPrompt("r" + i, PROMPTS.get(i), p));
        try (InferenceEngine engine = InferenceEngine.cpu(MODEL, new EngineOptions(4, 512, 1024))) {
            return engine.generate(requests);
        }
    }

    @Test
    void greedyTokensAreTheSameWithLogprobsAndTheSampledTokenIsTheBest() {
        SamplingParams greedy = new SamplingParams(12, 0f, 0, 1f, 0f, null, List.of(), false);
        List<GenerationResult> off = run(greedy);
        List<GenerationResult> on = run(greedy.withLogprobs(3));
        for (int i = 0; i < PROMPTS.size(); i++) {
            assertTrue(off.get(i).logprobs().isEmpty(), "not asked, none recorded");
            GenerationResult r = on.get(i);
            assertArrayEquals(off.get(i).tokenIds(), r.tokenIds());
            assertEquals(off.get(i).text(), r.text());
            assertEquals(r.tokenIds().length, r.logprobs().size());
            for (int t = 0; t < r.logprobs().size(); t++) {
                TokenLogprob lp = r.logprobs().get(t);
                assertEquals(r.tokenIds()[t], lp.id());
                assertTrue(lp.logprob() <= 0f, "log-probability " + lp.logprob());
                assertEquals(3, lp.top().size());
                assertEquals(lp.id(), lp.top().get(0).id(), "greedy picks the most likely token");
                assertEquals(lp.logprob(), lp.top().get(0).logprob());
                for (int k = 1; k < 3; k++) assertTrue(lp.top().get(k).logprob() <= lp.top().get(k - 1).logprob());
                assertNotNull(lp.token());
            }
        }
        GenerationResult first = on.get(0);
        // EOS is listed (it was generated) but adds no text
        int textTokens = first.finishReason().equals("stop") ? first.logprobs().size() - 1 : first.logprobs().size();
        String joined = String.join("", first.logprobs().subList(0, textTokens).stream().map(TokenLogprob::token).toList());
        assertEquals(first.text(), joined, "ASCII tokens' texts add up to the text");
    }

    @Test
    void seededSamplingChoosesTheSameTokensWithLogprobs() {
        SamplingParams sampled = new SamplingParams(16, 0.9f, 40, 0.95f, 0.02f, 1234L, List.of(), false);
        List<GenerationResult> off = run(sampled);
        List<GenerationResult> on = run(sampled.withLogprobs(0));
        for (int i = 0; i < PROMPTS.size(); i++) {
            assertArrayEquals(off.get(i).tokenIds(), on.get(i).tokenIds(), PROMPTS.get(i));
            assertEquals(on.get(i).tokenIds().length, on.get(i).logprobs().size());
            for (TokenLogprob lp : on.get(i).logprobs()) {
                assertTrue(lp.top().isEmpty());
                assertTrue(lp.logprob() <= 0f && Float.isFinite(lp.logprob()));
            }
        }
        assertFalse(on.get(2).logprobs().stream().allMatch(lp -> lp.logprob() == 0f));
    }

    @Test
    void anOutOfRangeCountIsTheRowsErrorNamingTheOption() {
        GenerationResult r = run(SamplingParams.GREEDY.withLogprobs(21)).get(0);
        assertFalse(r.ok());
        assertTrue(r.error().contains("logprobs must be"), r.error());
        assertTrue(r.logprobs().isEmpty());
    }
}
