package dev.sparkllm.engine.model;

import dev.sparkllm.engine.runtime.EngineOptions;
import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.runtime.GenerationResult;
import dev.sparkllm.engine.runtime.InferenceEngine;
import dev.sparkllm.engine.sampling.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same tiny model as a llama.cpp-style GGUF file and as a Hugging Face directory must give the
 * same model: same config, same logits (whole prompt and token by token), same greedy tokens, same
 * tokenizer and chat template. F16/BF16 variants hold rounded values in both files, so the float
 * arithmetic is identical and the tight tolerance still applies. A Qwen2.5-style model whose
 * embedding is padded past its tokenizer must be able to sample the padding ids from either format.
 * Two negative controls show the comparison would catch a missing Q/K permutation or ignored RoPE
 * scaling.
 */
class CrossFormatTest {
    private static final long SEED = 20240611L;
    private static final int PROMPT_LENGTH = 20;
    /**
     * Logits are O(1). Both formats hold the same float values and run the same kernels; only the
     * Q/K row order differs, which moves the sums' rounding: about 1e-6 is seen.
     */
    private static final double LOGIT_TOLERANCE = 1e-3;
    /** A real layout or RoPE mistake moves logits by O(0.1); anything over this proves the controls bite. */
    private static final double CLEARLY_DIFFERENT = 1e-2;

    @TempDir
    Path dir;

    static List<TinyLlamaVariant> variants() {
        return TinyLlamaVariant.ALL;
    }

    /** Both formats of one variant, loaded; closed by the caller. */
    private record BothFormats(LoadedModel hf, LoadedModel gguf, int[] prompt) implements AutoCloseable {
        @Override
        public void close() {
            try (LoadedModel a = hf; LoadedModel b = gguf) {
                // closes both, even if one throws
            }
        }
    }

    private BothFormats load(TinyLlamaVariant variant) throws IOException {
        TinyLlamaFiles files = TinyLlamaFiles.generate(variant, SEED);
        LoadedModel hf = ModelLoader.load(files.writeHfDirectory(dir.resolve(variant.name())));
        LoadedModel gguf;
        try {
            gguf = ModelLoader.load(files.writeGguf(dir.resolve(variant.name() + ".gguf")));
        } catch (IOException | RuntimeException e) {
            hf.close();
            throw e;
        }
        return new BothFormats(hf, gguf, PromptLogits.randomPrompt(PROMPT_LENGTH, files.vocabulary().size(), SEED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void configsAgree(TinyLlamaVariant variant) throws IOException {
        try (BothFormats m = load(variant)) {
            ModelConfig h = m.hf.config();
            ModelConfig g = m.gguf.config();
            assertEquals(List.of(g.vocabSize(), g.dim(), g.ffnDim(), g.layers(), g.heads(), g.kvHeads(), g.headDim(), g.contextLength()),
                    List.of(h.vocabSize(), h.dim(), h.ffnDim(), h.layers(), h.heads(), h.kvHeads(), h.headDim(), h.contextLength()));
            assertEquals(g.rmsEps(), h.rmsEps());
            assertEquals(g.ropeTheta(), h.ropeTheta());
            assertEquals(g.ropeLinearScale(), h.ropeLinearScale());
            assertEquals(variant.llama3RopeScaling(), h.ropeFreqFactors() != null, "HF frequency factors");
            assertEquals(variant.llama3RopeScaling(), g.ropeFreqFactors() != null, "GGUF rope_freqs");
            if (variant.llama3RopeScaling()) {
                // The engine's Llama3RopeScaling (HF side) against the converter's formula written into the GGUF.
                assertArrayEquals(g.ropeFreqFactors(), h.ropeFreqFactors(), 1e-5f);
            }
            assertEquals(m.hf.weights().output() == m.hf.weights().tokenEmbedding(), variant.tiedEmbeddings());
            assertEquals(m.gguf.weights().output() == m.gguf.weights().tokenEmbedding(), variant.tiedEmbeddings());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void lastPositionLogitsAgreeWholePromptAndTokenByToken(TinyLlamaVariant variant) throws IOException {
        try (BothFormats m = load(variant)) {
            float[] hfWhole = PromptLogits.wholePrompt(m.hf, m.prompt);
            float[] ggufWhole = PromptLogits.wholePrompt(m.gguf, m.prompt);
            float[] hfSteps = PromptLogits.tokenByToken(m.hf, m.prompt);
            float[] ggufSteps = PromptLogits.tokenByToken(m.gguf, m.prompt);
            assertClose(ggufWhole, hfWhole, "whole prompt, GGUF vs HF");
            assertClose(ggufSteps, hfSteps, "token by token, GGUF vs HF");
            assertClose(hfWhole, hfSteps, "HF, whole prompt vs token by token");
            assertClose(ggufWhole, ggufSteps, "GGUF, whole prompt vs token by token");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void greedyGenerationGivesIdenticalTokens(TinyLlamaVariant variant) throws IOException {
        SamplingParams greedy = new SamplingParams(10, 0f, 0, 1f, 0f, null, List.of(), true);
        try (BothFormats m = load(variant)) {
            List<GenerationRequest> requests = List.of(
                    GenerationRequest.ofTokens("ids", m.prompt, greedy),
                    GenerationRequest.ofPrompt("chat", "Hello world, the thing is", greedy));
            List<GenerationResult> hf = generate(m.hf, requests);
            List<GenerationResult> gguf = generate(m.gguf, requests);
            for (int i = 0; i < requests.size(); i++) {
                assertTrue(hf.get(i).ok(), hf.get(i).error());
                assertTrue(gguf.get(i).ok(), gguf.get(i).error());
                assertEquals(10, hf.get(i).tokenIds().length);
                assertEquals(hf.get(i).promptTokens(), gguf.get(i).promptTokens(), "prompt tokens of " + requests.get(i).id());
                assertArrayEquals(hf.get(i).tokenIds(), gguf.get(i).tokenIds(), "greedy tokens of " + requests.get(i).id());
                assertEquals(hf.get(i).text(), gguf.get(i).text());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void tokenizersAndChatTemplateAgree(TinyLlamaVariant variant) throws IOException {
        List<String> texts = List.of("Hello world", "the thing in the inn is there", "  12345 tabs\tand\n\nnewlines ",
                "h\u00e9llo w\u00f6rld \ud83d\ude00", "<|im_start|>user\nhi<|im_end|>\n");
        try (BothFormats m = load(variant)) {
            for (String text : texts) {
                assertArrayEquals(m.gguf.tokenizer().encode(text, true, true), m.hf.tokenizer().encode(text, true, true), text);
                assertArrayEquals(m.gguf.tokenizer().encode(text, false, false), m.hf.tokenizer().encode(text, false, false), text);
                assertEquals(text, m.hf.tokenizer().decode(m.hf.tokenizer().encode(text, false, true)));
            }
            // The merges were read, not just the byte alphabet: 11 bytes become "He llo Ġworld".
            assertEquals(2, m.hf.tokenizer().encode("Hello world", false, false).length);
            assertEquals(m.gguf.tokenizer().vocabSize(), m.hf.tokenizer().vocabSize(), "tokenizer sizes");
            assertEquals(m.gguf.tokenizer().bosId(), m.hf.tokenizer().bosId());
            assertArrayEquals(m.gguf.tokenizer().eosIds(), m.hf.tokenizer().eosIds());
            assertEquals(variant.llama3Tokenizer(), m.hf.tokenizer().encode("hi", true, false)[0] == m.hf.tokenizer().bosId(),
                    "BOS is added only by the Llama 3 layout");
            assertEquals(TinyVocabulary.CHAT_TEMPLATE, m.hf.chatTemplate());
            assertEquals(TinyVocabulary.CHAT_TEMPLATE, m.gguf.chatTemplate());
            assertEquals(m.gguf.bosText(), m.hf.bosText());
            assertEquals(m.gguf.eosText(), m.hf.eosText());
        }
    }

    @Test
    void paddingIdsBeyondTheTokenizerCanBeSampledFromEitherFormat() throws IOException {
        // Hot sampling over Qwen2.5-style padded logits reaches the padding ids within a few dozen steps.
        SamplingParams hot = new SamplingParams(48, 3f, 0, 1f, 0f, 7L, List.of(), true);
        try (BothFormats m = load(TinyLlamaVariant.QWEN25_PADDED)) {
            List<GenerationRequest> request = List.of(GenerationRequest.ofTokens("hot", m.prompt, hot));
            GenerationResult hf = generate(m.hf, request).get(0);
            GenerationResult gguf = generate(m.gguf, request).get(0);
            assertTrue(hf.ok(), hf.error());
            assertTrue(gguf.ok(), gguf.error());
            assertArrayEquals(gguf.tokenIds(), hf.tokenIds());
            assertEquals(gguf.text(), hf.text());
            int firstPaddingId = m.hf.config().vocabSize() - TinyLlamaVariant.QWEN25_PADDED.paddingRows();
            assertTrue(Arrays.stream(hf.tokenIds()).anyMatch(id -> id >= firstPaddingId),
                    "no padding id was sampled, so this test proves nothing: " + Arrays.toString(hf.tokenIds()));
        }
    }

    @Test
    void controlAGgufWithoutTheQkPermutationDoesNotMatch() throws IOException {
        try (BothFormats right = load(TinyLlamaVariant.LLAMA); BothFormats wrong = load(TinyLlamaVariant.LLAMA.withoutQkPermutation())) {
            double diff = PromptLogits.maxAbsDifference(PromptLogits.wholePrompt(wrong.gguf, right.prompt),
                    PromptLogits.wholePrompt(right.hf, right.prompt));
            assertTrue(diff > CLEARLY_DIFFERENT, "unpermuted Q/K changed the logits by only " + diff);
        }
    }

    @Test
    void controlLlama3RopeScalingChangesTheLogits() throws IOException {
        // Same seed and shape, so the same weights: only the RoPE frequencies differ.
        try (BothFormats plain = load(TinyLlamaVariant.LLAMA); BothFormats scaled = load(TinyLlamaVariant.LLAMA31)) {
            double diff = PromptLogits.maxAbsDifference(PromptLogits.wholePrompt(plain.hf, plain.prompt),
                    PromptLogits.wholePrompt(scaled.hf, plain.prompt));
            assertTrue(diff > CLEARLY_DIFFERENT, "Llama 3.1 scaling changed the logits by only " + diff);
        }
    }

    private static List<GenerationResult> generate(LoadedModel model, List<GenerationRequest> requests) {
        try (InferenceEngine engine = InferenceEngine.cpu(model, new EngineOptions(2, 64, 64))) {
            return engine.generate(requests);
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        double diff = PromptLogits.maxAbsDifference(expected, actual);
        assertTrue(diff < LOGIT_TOLERANCE, what + ": max |difference| " + diff);
    }
}
