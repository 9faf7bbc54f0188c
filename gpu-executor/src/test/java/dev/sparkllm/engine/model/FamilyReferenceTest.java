package dev.sparkllm.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkllm.engine.format.GgufTestWriter;
import dev.sparkllm.engine.format.SafetensorsIndex;
import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.runtime.EngineOptions;
import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.runtime.GenerationResult;
import dev.sparkllm.engine.runtime.InferenceEngine;
import dev.sparkllm.engine.sampling.SamplingParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tiny random Gemma 3, Gemma 2, Qwen3 and sliding-window Mistral checkpoints against the logits
 * Hugging Face transformers computes for them (family-reference/, made by
 * src/test/python/make_family_reference.py), at every position of a 70-token prompt, through the
 * whole-prompt (prefill) path and the token-by-token (decode) path. The same weights written as
 * the GGUF llama.cpp's converter makes (names mapped, Gemma's norms shifted by 1, the window and
 * its pattern in metadata) must give the same logits. The window is 5 positions, so the sliding
 * layers mask nearly everything, and the late queries' windows start past the attention's first
 * chunk. Controls show the comparison catches a missing window and a wrong local RoPE base.
 */
class FamilyReferenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Logits are O(1) (at most about 2.5 here). transformers runs in float32; the engine rounds
     * queries and attention weights to f16 as llama.cpp does, which moves logits by up to a few
     * 1e-3 (seen: gemma3 3.5e-3, gemma2 2.5e-3, qwen3 1.8e-3, mistral-window 1.1e-3). A wrong
     * window or RoPE base moves them by more than 0.05 (the controls).
     */
    private static final double TOLERANCE = 1e-2;
    private static final double CLEARLY_DIFFERENT = 5e-2;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gemma3", "gemma2", "qwen3", "mistral-window"})
    void huggingFaceFilesMatchTransformersAtEveryPosition(String name) throws IOException {
        Reference ref = Reference.read(name);
        try (LoadedModel model = ModelLoader.load(hfDirectory(name, c -> { }))) {
            assertEquals(ref.vocab(), model.config().vocabSize());
            assertClose(ref, PromptLogits.everyPositionWholePrompt(model, ref.prompt()), "whole prompt");
            assertClose(ref, PromptLogits.everyPositionTokenByToken(model, ref.prompt()), "token by token");
        }
    }

    /**
     * Gemma 2's GGUF is left out: its fixture's query_pre_attn_scalar (24) is not the head size,
     * which a GGUF cannot say (llama.cpp scales by 1/sqrt(head size) but for the 27B model).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gemma3", "qwen3"})
    void ggufFilesMatchTransformersAtEveryPosition(String name) throws IOException {
        Reference ref = Reference.read(name);
        Path hf = hfDirectory(name, c -> { });
        try (LoadedModel model = ModelLoader.load(writeGguf(hf, dir.resolve(name + ".gguf")))) {
            assertEquals(model.config().switches().qkNorm(), true);
            assertClose(ref, PromptLogits.everyPositionWholePrompt(model, ref.prompt()), "whole prompt");
            assertClose(ref, PromptLogits.everyPositionTokenByToken(model, ref.prompt()), "token by token");
        }
    }

    @Test
    void gemma3SwitchesAreReadAlikeFromBothFormats() throws IOException {
        Path hf = hfDirectory("gemma3", c -> { });
        try (LoadedModel h = ModelLoader.load(hf); LoadedModel g = ModelLoader.load(writeGguf(hf, dir.resolve("g.gguf")))) {
            ArchSwitches a = h.config().switches();
            ArchSwitches b = g.config().switches();
            assertEquals(5, a.slidingWindow());
            assertEquals(java.util.Arrays.toString(new boolean[] {true, true, true, true, true, false}),
                    java.util.Arrays.toString(a.slidingLayers()));
            assertEquals(java.util.Arrays.toString(a.slidingLayers()), java.util.Arrays.toString(b.slidingLayers()));
            assertEquals(a.slidingWindow(), b.slidingWindow());
            assertEquals(a.slidingRopeTheta(), b.slidingRopeTheta());
            assertEquals(a.embeddingScale(), b.embeddingScale());
            assertEquals(h.config().attentionScale(), g.config().attentionScale(), 1e-7f);
            assertEquals(a.activation(), b.activation());
        }
    }

    @Test
    void controlWithoutTheWindowGemma3DoesNotMatch() throws IOException {
        Reference ref = Reference.read("gemma3");
        try (LoadedModel model = ModelLoader.load(hfDirectory("gemma3", c -> c.put("sliding_window", 0)))) {
            double diff = maxAbsDifference(ref.logits(), PromptLogits.everyPositionWholePrompt(model, ref.prompt()));
            assertTrue(diff > CLEARLY_DIFFERENT, "dropping the window changed the logits by only " + diff);
        }
    }

    @Test
    void controlGemma3LocalLayersWithTheGlobalRopeBaseDoNotMatch() throws IOException {
        Reference ref = Reference.read("gemma3");
        try (LoadedModel model = ModelLoader.load(hfDirectory("gemma3", c -> c.put("rope_local_base_freq", 1000000.0)))) {
            double diff = maxAbsDifference(ref.logits(), PromptLogits.everyPositionWholePrompt(model, ref.prompt()));
            assertTrue(diff > CLEARLY_DIFFERENT, "the global base on local layers changed the logits by only " + diff);
        }
    }

    /**
     * Batch invariance under sliding windows: greedy tokens of requests sharing an 80-token prefix
     * (past the attention's first 64-position chunk, so its shared path runs; sixteen windows) are
     * the same with prefix sharing on and off, one sequence at a time and in short prefill chunks.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gemma3", "gemma2"})
    void slidingLayersKeepGreedyTokensBatchInvariant(String name) throws IOException {
        SamplingParams greedy = new SamplingParams(12, 0f, 0, 1f, 0f, null, List.of(), true);
        try (LoadedModel model = ModelLoader.load(hfDirectory(name, c -> { }))) {
            int[] prefix = PromptLogits.randomPrompt(80, model.config().vocabSize(), 1);
            List<GenerationRequest> requests = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int[] own = PromptLogits.randomPrompt(3 + 4 * i, model.config().vocabSize(), 100 + i);
                int[] prompt = Arrays.copyOf(prefix, prefix.length + own.length);
                System.arraycopy(own, 0, prompt, prefix.length, own.length);
                requests.add(GenerationRequest.ofTokens("r" + i, prompt, greedy));
            }
            List<GenerationResult> shared = generate(model, new EngineOptions(8, 64, 160), requests);
            assertTrue(shared.stream().mapToInt(GenerationResult::cachedTokens).sum() > 0, "the prefix was shared");
            for (EngineOptions other : List.of(new EngineOptions(8, 64, 160).withPrefixSharing(false),
                    new EngineOptions(1, 64, 160), new EngineOptions(8, 7, 160))) {
                List<GenerationResult> results = generate(model, other, requests);
                for (int i = 0; i < requests.size(); i++) {
                    assertTrue(results.get(i).ok(), results.get(i).error());
                    assertArrayEquals(shared.get(i).tokenIds(), results.get(i).tokenIds(), other + ", request " + i);
                }
            }
        }
    }

    private static List<GenerationResult> generate(LoadedModel model, EngineOptions options, List<GenerationRequest> requests) {
        try (InferenceEngine engine = InferenceEngine.cpu(model, options)) {
            return engine.generate(requests);
        }
    }

    /** A fixture: prompt ids and transformers' float32 logits, [position][vocab]. */
    private record Reference(int[] prompt, float[] logits, int vocab) {
        static Reference read(String name) throws IOException {
            JsonNode p = JSON.readTree(resource(name, "prompt.json"));
            int[] prompt = new int[p.get("prompt_ids").size()];
            for (int i = 0; i < prompt.length; i++) prompt[i] = p.get("prompt_ids").get(i).asInt();
            ByteBuffer b = ByteBuffer.wrap(resource(name, "logits.f32")).order(ByteOrder.LITTLE_ENDIAN);
            float[] logits = new float[b.remaining() / 4];
            b.asFloatBuffer().get(logits);
            return new Reference(prompt, logits, logits.length / prompt.length);
        }
    }

    private static byte[] resource(String name, String file) throws IOException {
        try (InputStream in = FamilyReferenceTest.class.getResourceAsStream("/family-reference/" + name + "/" + file)) {
            if (in == null) throw new IOException("missing fixture family-reference/" + name + "/" + file);
            return in.readAllBytes();
        }
    }

    /** The fixture's config.json (edited by {@code edit}) and weights, with the tiny test tokenizer. */
    private Path hfDirectory(String name, Consumer<ObjectNode> edit) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name + "-" + System.nanoTime()));
        ObjectNode config = (ObjectNode) JSON.readTree(resource(name, "config.json"));
        edit.accept(config);
        TinyLlamaFiles.writeJson(d.resolve("config.json"), config);
        Files.write(d.resolve("model.safetensors"), resource(name, "model.safetensors"));
        TinyVocabulary vocabulary = new TinyVocabulary(false);
        TinyLlamaFiles.writeJson(d.resolve("tokenizer.json"), vocabulary.tokenizerJson());
        TinyLlamaFiles.writeJson(d.resolve("tokenizer_config.json"), vocabulary.tokenizerConfig());
        return d;
    }

    /**
     * What convert_hf_to_gguf.py writes for a Qwen3 or Gemma 3 directory: hyperparameters under the
     * architecture's keys (Gemma 3: the window, but neither its pattern nor the local RoPE base,
     * which llama.cpp fixes for the architecture), the tensors renamed, Gemma's norms shifted by 1,
     * no Q/K permutation (both rotate NEOX-style), all F32 here.
     */
    private static Path writeGguf(Path hf, Path file) throws IOException {
        JsonNode c = JSON.readTree(hf.resolve("config.json").toFile());
        boolean gemma = c.get("model_type").asText().startsWith("gemma");
        String arch = gemma ? "gemma3" : "qwen3";
        int vocab = c.get("vocab_size").asInt();
        GgufTestWriter gguf = new GgufTestWriter()
                .putString("general.architecture", arch)
                .putString("general.name", "tiny-" + arch)
                .putUint32("general.file_type", 0)
                .putUint32(arch + ".context_length", c.get("max_position_embeddings").asInt())
                .putUint32(arch + ".embedding_length", c.get("hidden_size").asInt())
                .putUint32(arch + ".block_count", c.get("num_hidden_layers").asInt())
                .putUint32(arch + ".feed_forward_length", c.get("intermediate_size").asInt())
                .putUint32(arch + ".attention.head_count", c.get("num_attention_heads").asInt())
                .putUint32(arch + ".attention.head_count_kv", c.get("num_key_value_heads").asInt())
                .putUint32(arch + ".attention.key_length", c.get("head_dim").asInt())
                .putUint32(arch + ".attention.value_length", c.get("head_dim").asInt())
                .putFloat32(arch + ".rope.freq_base", (float) c.get("rope_theta").asDouble())
                .putFloat32(arch + ".attention.layer_norm_rms_epsilon", (float) c.get("rms_norm_eps").asDouble());
        if (gemma) gguf.putUint32(arch + ".attention.sliding_window", c.get("sliding_window").asInt());
        new TinyVocabulary(false).writeGgufKeys(gguf, vocab);
        try (SafetensorsIndex st = SafetensorsIndex.open(hf)) {
            for (String name : new TreeSet<>(st.tensorNames())) {
                long[] shape = st.shape(name);
                float[] values = GgufModelLoader.floats(st.tensor(name));
                if (gemma) values = LlamaCppConversion.gemmaNormShift(name, values);
                long[] dims = shape.length == 1 ? new long[] {shape[0]} : new long[] {shape[1], shape[0]};
                gguf.tensor(LlamaCppConversion.ggufName(name, gemma), GgmlType.F32, dims, GgufTestWriter.f32(values));
            }
        }
        Files.write(file, gguf.build());
        return file;
    }

    /** Every position's logits within the tolerance; the message names the worst position. */
    private static void assertClose(Reference ref, float[] actual, String path) {
        assertEquals(ref.logits().length, actual.length);
        int vocab = ref.vocab();
        double worst = 0;
        int worstPosition = 0;
        for (int pos = 0; pos < ref.prompt().length; pos++) {
            for (int i = pos * vocab; i < (pos + 1) * vocab; i++) {
                double diff = Math.abs((double) ref.logits()[i] - actual[i]);
                if (diff > worst) {
                    worst = diff;
                    worstPosition = pos;
                }
            }
        }
        assertTrue(worst < TOLERANCE, path + ": max |difference| " + worst + " at position " + worstPosition);
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        return PromptLogits.maxAbsDifference(a, b);
    }
}
