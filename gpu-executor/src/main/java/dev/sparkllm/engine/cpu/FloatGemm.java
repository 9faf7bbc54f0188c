package dev.sparkllm.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float matrix times several float vectors: out[t][r] = w[r] . x[t]. Register-tiled over 4 rows
 * x 2 tokens (8 accumulators, 4 weight and 2 activation vectors live: 14 of AVX2's 16 registers),
 * so each weight vector loaded serves two tokens and each activation vector four rows. This is
 * the batched (prefill) path for every weight type, on rows decoded by the Q4/Q8 kernels, and the
 * whole path for float weights.
 */
final class FloatGemm {
    private FloatGemm() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;

    /**
     * For r &lt; rowCount and t &lt; tokens:
     * out[outOff + t * outStride + r] = sum_k w[wOff + r * cols + k] * x[xOff + t * cols + k].
     */
    static void multiply(float[] w, int wOff, int rowCount, int cols,
                         float[] x, int xOff, int tokens,
                         float[] out, int outOff, int outStride) {
        // Tokens outer, rows inner: a token pair's activations stay in L1 while the (small,
        // already decoded) rows stream past them.
        int quads = rowCount / 4 * 4;
        int t = 0;
        for (; t + 2 <= tokens; t += 2) {
            for (int r = 0; r < quads; r += 4) {
                tile4x2(w, wOff + r * cols, cols, x, xOff + t * cols, out, outOff + t * outStride + r, outStride);
            }
        }
        if (t < tokens) {
            for (int r = 0; r < quads; r += 4) {
                tile4x1(w, wOff + r * cols, cols, x, xOff + t * cols, out, outOff + t * outStride + r);
            }
        }
        for (int r = quads; r < rowCount; r++) {
            for (int tt = 0; tt < tokens; tt++) {
                out[outOff + tt * outStride + r] = VectorOps.dot(w, wOff + r * cols, x, xOff + tt * cols, cols);
            }
        }
    }

    private static void tile4x2(float[] w, int w0, int cols, float[] x, int x0, float[] out, int o, int outStride) {
        int w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols;
        int x1 = x0 + cols;
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00;
        FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        int k = 0;
        for (int bound = F.loopBound(cols); k < bound; k += F.length()) {
            FloatVector xa = FloatVector.fromArray(F, x, x0 + k);
            FloatVector xb = FloatVector.fromArray(F, x, x1 + k);
            FloatVector v = FloatVector.fromArray(F, w, w0 + k);
            a00 = v.fma(xa, a00);
            a01 = v.fma(xb, a01);
            v = FloatVector.fromArray(F, w, w1 + k);
            a10 = v.fma(xa, a10);
            a11 = v.fma(xb, a11);
            v = FloatVector.fromArray(F, w, w2 + k);
            a20 = v.fma(xa, a20);
            a21 = v.fma(xb, a21);
            v = FloatVector.fromArray(F, w, w3 + k);
            a30 = v.fma(xa, a30);
            a31 = v.fma(xb, a31);
        }
        float s00 = a00.reduceLanes(VectorOperators.ADD), s01 = a01.reduceLanes(VectorOperators.ADD);
        float s10 = a10.reduceLanes(VectorOperators.ADD), s11 = a11.reduceLanes(VectorOperators.ADD);
        float s20 = a20.reduceLanes(VectorOperators.ADD), s21 = a21.reduceLanes(VectorOperators.ADD);
        float s30 = a30.reduceLanes(VectorOperators.ADD), s31 = a31.reduceLanes(VectorOperators.ADD);
        for (; k < cols; k++) {
            float xa = x[x0 + k], xb = x[x1 + k];
            s00 += w[w0 + k] * xa; s01 += w[w0 + k] * xb;
            s10 += w[w1 + k] * xa; s11 += w[w1 + k] * xb;
            s20 += w[w2 + k] * xa; s21 += w[w2 + k] * xb;
            s30 += w[w3 + k] * xa; s31 += w[w3 + k] * xb;
        }
        out[o] = s00; out[o + 1] = s10; out[o + 2] = s20; out[o + 3] = s30;
        int o1 = o + outStride;
        out[o1] = s01; out[o1 + 1] = s11; out[o1 + 2] = s21; out[o1 + 3] = s31;
    }

    private static void tile4x1(float[] w, int w0, int cols, float[] x, int x0, float[] out, int o) {
        int w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int k = 0;
        for (int bound = F.loopBound(cols); k < bound; k += F.length()) {
            FloatVector xa = FloatVector.fromArray(F, x, x0 + k);
            a0 = FloatVector.fromArray(F, w, w0 + k).fma(xa, a0);
            a1 = FloatVector.fromArray(F, w, w1 + k).fma(xa, a1);
            a2 = FloatVector.fromArray(F, w, w2 + k).fma(xa, a2);
            a3 = FloatVector.fromArray(F, w, w3 + k).fma(xa, a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; k < cols; k++) {
            float xa = x[x0 + k];
            s0 += w[w0 + k] * xa; s1 += w[w1 + k] * xa; s2 += w[w2 + k] * xa; s3 += w[w3 + k] * xa;
        }
        out[o] = s0; out[o + 1] = s1; out[o + 2] = s2; out[o + 3] = s3;
    }
}
