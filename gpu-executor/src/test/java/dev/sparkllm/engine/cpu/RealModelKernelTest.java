package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernels on SmolLM2-135M-Instruct.Q4_1.gguf's own tensors (Q4_1 attention and FFN
 * matrices, the Q8_0 embedding used as output projection, an F32 norm): MatMul for 1 and
 * several tokens against the Dequantize reference (tolerances in {@link MatMulReference}).
 * Skipped when the model is not downloaded (ci/fetch-model.sh).
 */
class RealModelKernelTest {
    private static final String FILE = "SmolLM2-135M-Instruct.Q4_1.gguf";
    private static MiniGgufReader gguf;

    @BeforeAll
    static void open() throws IOException {
        Path model = locateModel();
        Assumptions.assumeTrue(model != null, "model not found: run ci/fetch-model.sh");
        gguf = MiniGgufReader.open(model);
        Parallel.setThreads(2);
    }

    @AfterAll
    static void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    /** sparkllm.model.path if set (surefire passes it), else the cache that ci/fetch-model.sh fills. */
    static Path locateModel() {
        String prop = System.getProperty("sparkllm.model.path");
        if (prop != null && !prop.isBlank() && !prop.startsWith("${") && prop.endsWith(FILE) && Files.isRegularFile(Path.of(prop))) {
            return Path.of(prop);
        }
        String cache = System.getenv("SPARKLLM_CACHE");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "sparkllm");
        Path p = base.resolve("models").resolve(FILE);
        return Files.isRegularFile(p) ? p : null;
    }

    @Test
    void tensorTypesAreTheOnesTheBenchmarkAssumes() {
        assertEquals(GgmlType.Q4_1, gguf.tensor("blk.0.attn_q.weight").type());
        assertEquals(GgmlType.Q8_0, gguf.tensor("token_embd.weight", 1).type());
        assertEquals(GgmlType.F32, gguf.tensor("blk.0.attn_norm.weight").type());
        WeightTensor down = gguf.tensor("blk.0.ffn_down.weight");
        assertEquals(576, down.rows());
        assertEquals(1536, down.cols());
    }

    @Test
    void q4_1LayerMatricesMatchReference() {
        Random rnd = new Random(1);
        // Leading rows only (all columns): the real blocks, at a test-friendly cost.
        for (String name : new String[] {"blk.0.attn_q.weight", "blk.3.attn_k.weight", "blk.29.ffn_down.weight"}) {
            WeightTensor w = gguf.tensor(name, 100);
            for (int tokens : new int[] {1, 2, 5}) {
                float[] x = activations(tokens * w.cols(), rnd);
                MatMulReference.runAndCheck(w, x, 0, 0, tokens, name + " tokens=" + tokens);
            }
        }
    }

    @Test
    void q8_0OutputProjectionMatchesReference() {
        // The first 700 of 49152 vocabulary rows keep the double-precision reference quick.
        WeightTensor w = gguf.tensor("token_embd.weight", 700);
        Random rnd = new Random(2);
        for (int tokens : new int[] {1, 4}) {
            float[] x = activations(tokens * w.cols(), rnd);
            MatMulReference.runAndCheck(w, x, 0, 0, tokens, "token_embd tokens=" + tokens);
        }
    }

    @Test
    void normWeightsAreFiniteAndDecodeAsF32() {
        WeightTensor norm = gguf.tensor("blk.0.attn_norm.weight");
        float[] values = new float[norm.cols()];
        Dequantize.row(norm, 0, values, 0);
        for (int i = 0; i < values.length; i++) {
            assertTrue(Float.isFinite(values[i]));
            assertEquals(norm.data().getFloat(4 * i), values[i]);
        }
        MatMulReference.runAndCheck(norm, activations(2 * norm.cols(), new Random(3)), 0, 0, 2, "norm as 1-row matrix");
    }

    /** Activation-like vectors: mostly small, a few large outliers, as residual streams have. */
    private static float[] activations(int n, Random rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian() * (rnd.nextInt(50) == 0 ? 8 : 1);
        return x;
    }
}
