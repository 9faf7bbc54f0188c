package dev.sparkllm.engine.cpu;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The two tile products against plain loops: every query count from one to nine (whole passes of
 * four and the repeated last query), position ranges that start and end inside a vector, and head
 * sizes whose last eight dimensions take the one-vector path. Each score and output must equal the
 * scalar fused multiply-add chain in the documented order bit for bit, and must not depend on
 * which other queries share the pass.
 */
class AttentionTilesTest {
    private static final int STRIDE = AttentionTiles.STRIDE;

    @ParameterizedTest
    @CsvSource({"64, 0, 64", "64, 3, 61", "40, 5, 17", "8, 0, 1", "24, 63, 64", "128, 9, 40"})
    void bothProductsEqualTheScalarChainsForEveryQueryCount(int headDim, int lo, int hi) {
        Random rnd = new Random(headDim * 131L + lo * 7L + hi);
        float[] keyTile = gaussians(rnd, headDim * STRIDE);
        float[] valueTile = gaussians(rnd, STRIDE * headDim);
        for (int n = 1; n <= 9; n++) {
            float[] q = gaussians(rnd, n * headDim + 5);
            int[] offsets = new int[n];
            for (int i = 0; i < n; i++) offsets[i] = 5 + i * headDim; // not at a vector boundary
            float[] scores = new float[n * STRIDE];
            AttentionTiles.scores(q, offsets, n, keyTile, headDim, lo, hi, 0.125f, scores);
            float[] weights = new float[n * STRIDE];
            for (int i = 0; i < n; i++) {
                for (int p = lo; p < hi; p++) {
                    float chain = 0f;
                    for (int d = 0; d < headDim; d++) chain = Math.fma(q[offsets[i] + d], keyTile[d * STRIDE + p], chain);
                    assertEquals(Float.floatToRawIntBits(chain * 0.125f), Float.floatToRawIntBits(scores[i * STRIDE + p]),
                            "score of query " + i + " of " + n + " at position " + p);
                    weights[i * STRIDE + p] = (float) rnd.nextDouble();
                }
            }
            float[] out = new float[n * headDim];
            AttentionTiles.weightedValues(weights, n, valueTile, headDim, lo, hi, out);
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < headDim; d++) {
                    float chain = 0f;
                    for (int p = lo; p < hi; p++) chain = Math.fma(weights[i * STRIDE + p], valueTile[p * headDim + d], chain);
                    assertEquals(Float.floatToRawIntBits(chain), Float.floatToRawIntBits(out[i * headDim + d]),
                            "output of query " + i + " of " + n + " at dimension " + d);
                }
            }
        }
    }

    private static float[] gaussians(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }
}
