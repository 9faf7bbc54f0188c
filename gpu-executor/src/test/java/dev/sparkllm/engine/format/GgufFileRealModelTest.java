package dev.sparkllm.engine.format;

import dev.sparkllm.engine.testutil.TestModels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GgufFile on the real default model, SmolLM2-135M-Instruct Q4_1 (fetched by ci/fetch-model.sh).
 * Expected values come from gguf-py 0.19.0's {@code gguf.GGUFReader} on the same file
 * (sha256 b179c952...): e.g. {@code [(t.name, t.tensor_type.name, list(t.shape), t.data_offset,
 * t.n_bytes) for t in r.tensors]}, where shape is ne0 first and data_offset is absolute.
 * Skipped when the model is not present.
 */
class GgufFileRealModelTest {
    private static Path model;

    @BeforeAll
    static void findModel() {
        model = TestModels.defaultModelPath();
    }

    @Test
    void headerMatchesGgufPy() throws IOException {
        try (GgufFile f = GgufFile.open(model)) {
            assertEquals(3, f.version());
            assertEquals(33, f.metadata().size());
            assertEquals("llama", f.string("general.architecture", null));
            assertEquals(30, f.integer("llama.block_count", 0));
            assertEquals(576, f.integer("llama.embedding_length", 0));
            assertEquals(3, f.integer("llama.attention.head_count_kv", 0));
            assertEquals(100000.0, f.real("llama.rope.freq_base", 0));
            assertEquals(9.999999747378752e-06, f.real("llama.attention.layer_norm_rms_epsilon", 0));
            assertEquals(false, f.bool("tokenizer.ggml.add_bos_token", true));
            assertEquals("gpt2", f.string("tokenizer.ggml.model", null));
            assertEquals("smollm", f.string("tokenizer.ggml.pre", null));
            assertEquals(368, f.string("tokenizer.chat_template", "").length());
            assertEquals(32, f.alignment());
        }
    }

    @Test
    void tokenizerArraysHaveTheirFullLength() throws IOException {
        try (GgufFile f = GgufFile.open(model)) {
            String[] tokens = f.stringArray("tokenizer.ggml.tokens");
            assertEquals(49152, tokens.length);
            assertEquals("<|endoftext|>", tokens[0]);
            assertEquals("<|im_start|>", tokens[1]);
            assertEquals("ectable", tokens[49151]);
            String[] merges = f.stringArray("tokenizer.ggml.merges");
            assertEquals(48900, merges.length);
            assertEquals("Ġ t", merges[0]);
            assertEquals("ect able", merges[48899]);
            int[] types = f.intArray("tokenizer.ggml.token_type");
            assertEquals(49152, types.length);
            assertEquals(3, types[0]);
            assertEquals(1, types[17]);
        }
    }

    @Test
    void tensorListMatchesGgufPy() throws IOException {
        try (GgufFile f = GgufFile.open(model)) {
            assertEquals(272, f.tensors().size());
            Map<GgmlType, Long> byType = f.tensors().stream().collect(Collectors.groupingBy(GgufTensorInfo::type, Collectors.counting()));
            assertEquals(Map.of(GgmlType.Q4_1, 210L, GgmlType.F32, 61L, GgmlType.Q8_0, 1L), byType);
            Map<String, GgufTensorInfo> byName = f.tensors().stream().collect(Collectors.toMap(GgufTensorInfo::name, Function.identity()));
            assertEquals(new GgufTensorInfo("token_embd.weight", GgmlType.Q8_0, new long[] {576, 49152}, 1785664, 30081024), byName.get("token_embd.weight"));
            assertEquals(new GgufTensorInfo("blk.0.attn_norm.weight", GgmlType.F32, new long[] {576}, 31866688, 2304), byName.get("blk.0.attn_norm.weight"));
            assertEquals(new GgufTensorInfo("blk.0.ffn_down.weight", GgmlType.Q4_1, new long[] {1536, 576}, 31868992, 552960), byName.get("blk.0.ffn_down.weight"));
            assertEquals(new GgufTensorInfo("blk.29.attn_v.weight", GgmlType.Q4_1, new long[] {576, 192}, 82775872, 69120), byName.get("blk.29.attn_v.weight"));
            assertEquals(new GgufTensorInfo("output_norm.weight", GgmlType.F32, new long[] {576}, 98360128, 2304), byName.get("output_norm.weight"));
            assertEquals("output_norm.weight", f.tensors().get(271).name());
        }
    }

    @Test
    void tensorDataIsMappedFromTheRightPlace() throws IOException {
        try (GgufFile f = GgufFile.open(model)) {
            WeightTensor norm = f.tensor("blk.0.attn_norm.weight");
            assertEquals(1, norm.rows());
            assertEquals(576, norm.cols());
            // first values as printed by gguf-py: t.data[:3]
            assertEquals(0.01397705078125f, norm.data().getFloat(0));
            assertEquals(-0.019775390625f, norm.data().getFloat(8));
            assertEquals(1.7578125f, f.tensor("output_norm.weight").data().getFloat(0));
            WeightTensor embd = f.tensor("token_embd.weight");
            assertEquals(49152, embd.rows());
            assertEquals(576, embd.cols());
            assertEquals(30081024, embd.data().capacity());
            WeightTensor down = f.tensor("blk.0.ffn_down.weight");
            assertArrayEquals(new int[] {576, 1536}, new int[] {down.rows(), down.cols()});
        }
    }

    @Test
    void openingIsFast() throws IOException {
        GgufFile.open(model).close(); // warm-up: class loading and JIT
        long start = System.nanoTime();
        try (GgufFile f = GgufFile.open(model)) {
            long ms = (System.nanoTime() - start) / 1_000_000;
            // Typically ~20 ms; the bound is loose because CI machines are shared.
            assertTrue(ms < 1000, "opening took " + ms + " ms");
            assertEquals(49152, f.stringArray("tokenizer.ggml.tokens").length);
        }
    }
}
