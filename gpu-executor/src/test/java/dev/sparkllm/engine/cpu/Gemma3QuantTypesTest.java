package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.format.GgufFile;
import dev.sparkllm.engine.format.GgufTensorInfo;
import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Q4_K_M file, Gemma 3 270M instruct (its mix: Q5_0, Q4_K, Q6_K, Q8_0 and F32 tensors),
 * through the GGUF parser and the CPU kernels: every tensor passes the parser's size checks and
 * decodes to finite values, sample rows of each quantized type equal gguf-py's decoding bit for
 * bit (fixtures from src/test/python/make_gemma3_rows.py), and MatMul on the leading rows of every
 * quantized matrix agrees with the Dequantize reference. Skipped when the file is not downloaded
 * (ci/fetch-gemma3-270m.sh). Only the weights: the architecture is another matter.
 */
class Gemma3QuantTypesTest {
    private static final String FILE = "gemma-3-270m-q4_k_m.gguf";
    private static final String[] REFERENCE_ROWS = {"blk.0.attn_q.weight", "blk.5.ffn_up.weight",
            "blk.0.attn_output.weight", "blk.0.ffn_down.weight", "blk.0.attn_v.weight", "token_embd.weight"};
    private static GgufFile gguf;

    @BeforeAll
    static void open() throws IOException {
        String cache = System.getenv("SPARKLLM_CACHE");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "sparkllm");
        Path model = base.resolve("models").resolve(FILE);
        Assumptions.assumeTrue(Files.isRegularFile(model), "model not found: run ci/fetch-gemma3-270m.sh");
        gguf = GgufFile.open(model);
        Parallel.setThreads(2);
    }

    @AfterAll
    static void close() throws IOException {
        if (gguf != null) gguf.close();
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void everyTensorDecodesToFiniteValues() {
        Map<GgmlType, Integer> byType = new EnumMap<>(GgmlType.class);
        for (GgufTensorInfo info : gguf.tensors()) {
            WeightTensor w = gguf.tensor(info.name());
            byType.merge(w.type(), 1, Integer::sum);
            float[] row = new float[w.cols()];
            for (int r = 0; r < w.rows(); r++) {
                Dequantize.row(w, r, row, 0);
                for (int c = 0; c < row.length; c++) {
                    if (!Float.isFinite(row[c])) throw new AssertionError(info.name() + " (" + r + ", " + c + ") = " + row[c]);
                }
            }
        }
        // The file's mix as gguf-py lists it.
        assertEquals(Map.of(GgmlType.F32, 109, GgmlType.Q5_0, 81, GgmlType.Q4_K, 27, GgmlType.Q8_0, 10, GgmlType.Q6_K, 9), byType);
    }

    @Test
    void sampleRowsEqualGgufPysDecoding() throws IOException {
        for (String name : REFERENCE_ROWS) {
            WeightTensor w = gguf.tensor(name);
            float[] expected = reference(name);
            assertEquals(3 * w.cols(), expected.length, name);
            int[] rows = {0, 1, w.rows() - 1};
            float[] row = new float[w.cols()];
            for (int i = 0; i < 3; i++) {
                Dequantize.row(w, rows[i], row, 0);
                for (int c = 0; c < row.length; c++) {
                    float want = expected[i * w.cols() + c];
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(row[c]),
                            name + " (" + rows[i] + ", " + c + "): " + want + " vs " + row[c]);
                }
            }
        }
    }

    @Test
    void matMulOnEveryQuantizedMatrixMatchesReference() {
        Random rnd = new Random(4);
        for (GgufTensorInfo info : gguf.tensors()) {
            if (info.type().blockSize == 1) continue;
            WeightTensor full = gguf.tensor(info.name());
            // Leading rows only (all columns): every tensor's real blocks at a test-friendly cost.
            int rows = Math.min(full.rows(), 48);
            WeightTensor w = new WeightTensor(info.name(), full.type(), rows, full.cols(),
                    full.data().slice(0, Math.toIntExact(rows * full.rowBytes())));
            for (int tokens : new int[] {1, 5}) {
                float[] x = new float[tokens * w.cols()];
                for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian() * (rnd.nextInt(50) == 0 ? 8 : 1);
                MatMulReference.runAndCheck(w, x, 0, 0, tokens, info.name() + " tokens=" + tokens);
            }
        }
    }

    private static float[] reference(String tensor) throws IOException {
        try (InputStream in = Gemma3QuantTypesTest.class.getResourceAsStream("/quant-fixtures/gemma3-270m/" + tensor + ".f32")) {
            assertNotNull(in, "missing fixture for " + tensor + ": run src/test/python/make_gemma3_rows.py");
            byte[] bytes = in.readAllBytes();
            assertTrue(bytes.length % 4 == 0);
            float[] f = new float[bytes.length / 4];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            return f;
        }
    }
}
