package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.WeightTensor;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs MatMul and checks every output against sum_j w_j x_j in double, with w from
 * {@link Dequantize}. Tolerance per output element: float rounding, 2e-5 * sum_j |w_j x_j| (float
 * accumulation over at most a few thousand terms; activations stay float). Also checks that nothing outside the output range was written.
 */
final class MatMulReference {
    private MatMulReference() {}

    static void runAndCheck(WeightTensor w, float[] x, int xOff, int outOff, int tokens, String what) {
        int rows = w.rows();
        int cols = w.cols();
        float[] out = new float[outOff + tokens * rows + 4];
        Arrays.fill(out, Float.NaN);
        MatMul.matmul(w, x, xOff, out, outOff, tokens);

        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            Dequantize.row(w, r, row, 0);
            for (int t = 0; t < tokens; t++) {
                int xt = xOff + t * cols;
                double exact = 0;
                double magnitude = 0;
                for (int j = 0; j < cols; j++) {
                    exact += (double) row[j] * x[xt + j];
                    magnitude += Math.abs((double) row[j] * x[xt + j]);
                }
                double tolerance = 2e-5 * magnitude + 1e-6;
                float actual = out[outOff + t * rows + r];
                assertTrue(Math.abs(actual - exact) <= tolerance,
                        what + " row " + r + " token " + t + ": " + actual + " vs " + exact + " (tolerance " + tolerance + ")");
            }
        }
        for (int i = 0; i < outOff; i++) assertTrue(Float.isNaN(out[i]), what + ": wrote before outOffset");
        for (int i = outOff + tokens * rows; i < out.length; i++) assertTrue(Float.isNaN(out[i]), what + ": wrote past the end");
    }
}
