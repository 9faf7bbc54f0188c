package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MatMul against a double-precision reference built from {@link Dequantize}, for every weight
 * type, 1 to 70 tokens (every register tile shape and more than one token chunk), row counts that
 * are not multiples of the tiles or thread counts, and 1 to 3 threads. Tolerances: see
 * {@link MatMulReference}.
 */
class MatMulTest {
    private static final int[] THREADS = {1, 2, 3};
    private static final int[] TOKENS = {1, 2, 3, 4, 5, 9, 13, 70};

    @AfterAll
    static void restoreDefaults() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void matchesDequantizedReference(GgmlType type) {
        Random rnd = new Random(type.ordinal() * 7919L);
        int[][] shapes = type.blockSize == 256
                ? new int[][] {{1, 256}, {37, 256}, {18, 512}}
                : type.blockSize == 32
                ? new int[][] {{1, 32}, {3, 64}, {37, 96}, {70, 576}}
                : new int[][] {{1, 13}, {5, 40}, {37, 96}, {19, 576}};
        for (int[] shape : shapes) {
            WeightTensor w = TestQuantizer.random(type, shape[0], shape[1], rnd);
            for (int threads : THREADS) {
                Parallel.setThreads(threads);
                for (int tokens : TOKENS) {
                    check(w, tokens, rnd, type + " " + shape[0] + "x" + shape[1] + " threads=" + threads + " tokens=" + tokens);
                }
            }
        }
    }

    /** Weight tensors made by ggml's reference quantizers from smooth data, not random blocks. */
    @Test
    void quantizedFromFloatsMatchesReference() {
        Random rnd = new Random(5);
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q8_0}) {
            int rows = 33;
            int cols = 160;
            float[] values = new float[rows * cols];
            for (int i = 0; i < values.length; i++) values[i] = (float) Math.sin(i * 0.37) * (1 + (i % 7));
            WeightTensor w = TestQuantizer.quantize(type, values, rows, cols);
            Parallel.setThreads(2);
            for (int tokens : TOKENS) check(w, tokens, rnd, type + " smooth tokens=" + tokens);
        }
    }

    @Test
    void matvecIsOneTokenMatmul() {
        Random rnd = new Random(3);
        WeightTensor w = TestQuantizer.random(GgmlType.Q4_1, 21, 64, rnd);
        float[] x = randomVector(64 + 5, rnd);
        float[] a = new float[21 + 2];
        float[] b = new float[21 + 2];
        MatMul.matvec(w, x, 5, a, 2);
        MatMul.matmul(w, x, 5, b, 2, 1);
        assertTrue(Arrays.equals(a, b));
    }

    /** matmulShared gives exactly what separate matmul calls give, also with a float matrix mixed in. */
    @Test
    void sharedInputMatmulEqualsSeparateCalls() {
        Random rnd = new Random(8);
        WeightTensor[] ws = {
                TestQuantizer.random(GgmlType.Q4_1, 40, 256, rnd),
                TestQuantizer.random(GgmlType.Q4_K, 13, 256, rnd),
                TestQuantizer.random(GgmlType.Q8_0, 7, 256, rnd),
                TestQuantizer.random(GgmlType.Q5_K, 9, 256, rnd),
        };
        WeightTensor f32 = TestQuantizer.random(GgmlType.F32, 5, 256, rnd);
        Parallel.setThreads(2);
        for (WeightTensor[] set : new WeightTensor[][] {ws, {ws[0], f32, ws[2]}}) {
            for (int tokens : TOKENS) {
                float[] x = randomVector(tokens * 256 + 1, rnd);
                float[][] shared = new float[set.length][];
                float[][] separate = new float[set.length][];
                int[] offsets = new int[set.length];
                for (int i = 0; i < set.length; i++) {
                    offsets[i] = i;
                    shared[i] = new float[i + tokens * set[i].rows()];
                    separate[i] = new float[i + tokens * set[i].rows()];
                    MatMul.matmul(set[i], x, 1, separate[i], i, tokens);
                }
                MatMul.matmulShared(set, x, 1, shared, offsets, tokens);
                for (int i = 0; i < set.length; i++) {
                    assertTrue(Arrays.equals(separate[i], shared[i]), "matrix " + i + " tokens " + tokens);
                }
            }
        }
    }

    /** A token's result does not depend on the batch it is in, bit for bit. */
    @Test
    void resultsDoNotDependOnBatchSizeByDefault() {
        Random rnd = new Random(21);
        for (GgmlType type : new GgmlType[] {GgmlType.Q4_1, GgmlType.Q4_K, GgmlType.Q8_0, GgmlType.Q6_K,
                GgmlType.Q5_1, GgmlType.Q5_K, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.IQ4_XS}) {
            WeightTensor w = TestQuantizer.random(type, 37, 256, rnd);      // odd row count: a row left over from pairs
            float[] x = randomVector(7 * 256, rnd);
            float[] batch = new float[7 * 37];
            MatMul.matmul(w, x, 0, batch, 0, 7);
            for (int t = 0; t < 7; t++) {
                float[] single = new float[37];
                MatMul.matmul(w, x, t * 256, single, 0, 1);
                assertTrue(Arrays.equals(single, Arrays.copyOfRange(batch, t * 37, t * 37 + 37)), type + " token " + t);
            }
        }
    }

    @Test
    void zeroTokensWritesNothingAndBadBoundsThrow() {
        WeightTensor w = TestQuantizer.random(GgmlType.Q8_0, 4, 32, new Random(1));
        float[] out = {7f};
        MatMul.matmul(w, new float[0], 0, out, 1, 0);
        assertEquals(7f, out[0]);
        assertThrows(IndexOutOfBoundsException.class, () -> MatMul.matmul(w, new float[63], 0, new float[8], 0, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> MatMul.matmul(w, new float[64], 0, new float[7], 0, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> MatMul.matmul(w, new float[64], -1, new float[8], 0, 1));
        assertThrows(IllegalArgumentException.class, () -> MatMul.matmul(w, new float[64], 0, new float[8], 0, -1));
        // 2 rows of 16 Q8_0 weights: 32 weights in all, but rows that are not whole blocks.
        WeightTensor split = new WeightTensor("split", GgmlType.Q8_0, 2, 16, java.nio.ByteBuffer.allocate(34));
        assertThrows(IllegalArgumentException.class, () -> MatMul.matmul(split, new float[16], 0, new float[2], 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Dequantize.row(split, 0, new float[16], 0));
    }

    private static void check(WeightTensor w, int tokens, Random rnd, String what) {
        int xOff = 3;
        int outOff = 5;
        float[] x = randomVector(xOff + tokens * w.cols() + 2, rnd);
        for (int i = 0; i < w.cols(); i++) x[xOff + i] *= 4;      // one token with a larger range
        MatMulReference.runAndCheck(w, x, xOff, outOff, tokens, what);
    }

    private static float[] randomVector(int n, Random rnd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rnd.nextGaussian();
        return v;
    }
}
