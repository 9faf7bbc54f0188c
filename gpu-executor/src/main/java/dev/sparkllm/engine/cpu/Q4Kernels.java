package dev.sparkllm.engine.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tiles of {@link TileKernels} for {@link PackedQ4}. Per column pair of a group: one
 * 8-byte load widened to eight ints, the low and high nibbles converted to floats and decoded with
 * one FMA each (scale * q + min), then per token two FMAs with the token's broadcast activations.
 * Weights are decoded in registers and never written back, so the weight bytes read per step are
 * the packed ones, whatever the number of tokens.
 *
 * <p>Float activations and float accumulation, unlike llama.cpp's 8-bit activations: Java 17's
 * Vector API cannot reach AVX2's byte multiply-add, so the integer path needed two 32-bit
 * multiplies per 8 weights and lost to this one as soon as a step carries a few tokens (see
 * BENCHMARKS.md), and float activations carry no activation rounding.
 */
final class Q4Kernels {
    private Q4Kernels() {}

    private static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final int G = QuantizedMatrix.GROUP_ROWS;
    private static final int PAIRS = PackedQ4.BLOCK / 2;

    /** Columns 2p and 2p + 1 of the group's 8 rows, nibbles widened to int lanes. */
    private static IntVector pair(byte[] q, int at) {
        return (IntVector) ByteVector.fromArray(B64, q, at).convertShape(VectorOperators.B2I, I, 0);
    }

    private static FloatVector low(IntVector pair, FloatVector d, FloatVector m) {
        return ((FloatVector) pair.and(0x0F).convert(VectorOperators.I2F, 0)).fma(d, m);
    }

    private static FloatVector high(IntVector pair, FloatVector d, FloatVector m) {
        return ((FloatVector) pair.lanewise(VectorOperators.LSHR, 4).and(0x0F).convert(VectorOperators.I2F, 0)).fma(d, m);
    }

    private static FloatVector at(float[] x, int i) {
        return FloatVector.broadcast(F, x[i]);
    }

    static void tokens8(PackedQ4 w, float[] x, int x0, int g, float[] out, int o0) {
        int cols = w.cols, nb = w.blocksPerRow;
        byte[] q = w.quants;
        int x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols, x4 = x3 + cols, x5 = x4 + cols, x6 = x5 + cols, x7 = x6 + cols;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int b = 0; b < nb; b++) {
            int gb = g * nb + b;
            FloatVector d = FloatVector.fromArray(F, w.scales, gb * G), m = FloatVector.fromArray(F, w.mins, gb * G);
            int qb = gb * PackedQ4.GROUP_BLOCK_BYTES;
            for (int p = 0, k = b * PackedQ4.BLOCK; p < PAIRS; p++, k += 2) {
                IntVector pq = pair(q, qb + p * G);
                FloatVector lo = low(pq, d, m);
                FloatVector hi = high(pq, d, m);
                a0 = hi.fma(at(x, x0 + k + 1), lo.fma(at(x, x0 + k), a0));
                a1 = hi.fma(at(x, x1 + k + 1), lo.fma(at(x, x1 + k), a1));
                a2 = hi.fma(at(x, x2 + k + 1), lo.fma(at(x, x2 + k), a2));
                a3 = hi.fma(at(x, x3 + k + 1), lo.fma(at(x, x3 + k), a3));
                a4 = hi.fma(at(x, x4 + k + 1), lo.fma(at(x, x4 + k), a4));
                a5 = hi.fma(at(x, x5 + k + 1), lo.fma(at(x, x5 + k), a5));
                a6 = hi.fma(at(x, x6 + k + 1), lo.fma(at(x, x6 + k), a6));
                a7 = hi.fma(at(x, x7 + k + 1), lo.fma(at(x, x7 + k), a7));
            }
        }
        int rows = w.rows;
        TileKernels.store(a0, out, o0, g, rows);
        TileKernels.store(a1, out, o0 + rows, g, rows);
        TileKernels.store(a2, out, o0 + 2 * rows, g, rows);
        TileKernels.store(a3, out, o0 + 3 * rows, g, rows);
        TileKernels.store(a4, out, o0 + 4 * rows, g, rows);
        TileKernels.store(a5, out, o0 + 5 * rows, g, rows);
        TileKernels.store(a6, out, o0 + 6 * rows, g, rows);
        TileKernels.store(a7, out, o0 + 7 * rows, g, rows);
    }

    static void tokens4(PackedQ4 w, float[] x, int x0, int g, float[] out, int o0) {
        int cols = w.cols, nb = w.blocksPerRow;
        byte[] q = w.quants;
        int x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < nb; b++) {
            int gb = g * nb + b;
            FloatVector d = FloatVector.fromArray(F, w.scales, gb * G), m = FloatVector.fromArray(F, w.mins, gb * G);
            int qb = gb * PackedQ4.GROUP_BLOCK_BYTES;
            for (int p = 0, k = b * PackedQ4.BLOCK; p < PAIRS; p++, k += 2) {
                IntVector pq = pair(q, qb + p * G);
                FloatVector lo = low(pq, d, m);
                FloatVector hi = high(pq, d, m);
                a0 = hi.fma(at(x, x0 + k + 1), lo.fma(at(x, x0 + k), a0));
                a1 = hi.fma(at(x, x1 + k + 1), lo.fma(at(x, x1 + k), a1));
                a2 = hi.fma(at(x, x2 + k + 1), lo.fma(at(x, x2 + k), a2));
                a3 = hi.fma(at(x, x3 + k + 1), lo.fma(at(x, x3 + k), a3));
            }
        }
        int rows = w.rows;
        TileKernels.store(a0, out, o0, g, rows);
        TileKernels.store(a1, out, o0 + rows, g, rows);
        TileKernels.store(a2, out, o0 + 2 * rows, g, rows);
        TileKernels.store(a3, out, o0 + 3 * rows, g, rows);
    }

    static void groups3(PackedQ4 w, float[] x, int x0, int g, float[] out, int o0) {
        int nb = w.blocksPerRow;
        byte[] q = w.quants;
        float[] sc = w.scales, mn = w.mins;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0;
        for (int b = 0; b < nb; b++) {
            int g0 = g * nb + b, g1 = g0 + nb, g2 = g1 + nb;
            FloatVector d0 = FloatVector.fromArray(F, sc, g0 * G), m0 = FloatVector.fromArray(F, mn, g0 * G);
            FloatVector d1 = FloatVector.fromArray(F, sc, g1 * G), m1 = FloatVector.fromArray(F, mn, g1 * G);
            FloatVector d2 = FloatVector.fromArray(F, sc, g2 * G), m2 = FloatVector.fromArray(F, mn, g2 * G);
            for (int p = 0, k = b * PackedQ4.BLOCK; p < PAIRS; p++, k += 2) {
                FloatVector xl = at(x, x0 + k), xh = at(x, x0 + k + 1);
                IntVector pq = pair(q, g0 * PackedQ4.GROUP_BLOCK_BYTES + p * G);
                a0 = high(pq, d0, m0).fma(xh, low(pq, d0, m0).fma(xl, a0));
                pq = pair(q, g1 * PackedQ4.GROUP_BLOCK_BYTES + p * G);
                a1 = high(pq, d1, m1).fma(xh, low(pq, d1, m1).fma(xl, a1));
                pq = pair(q, g2 * PackedQ4.GROUP_BLOCK_BYTES + p * G);
                a2 = high(pq, d2, m2).fma(xh, low(pq, d2, m2).fma(xl, a2));
            }
        }
        int rows = w.rows;
        TileKernels.store(a0, out, o0, g, rows);
        TileKernels.store(a1, out, o0, g + 1, rows);
        TileKernels.store(a2, out, o0, g + 2, rows);
    }

    static void single(PackedQ4 w, float[] x, int x0, int g, float[] out, int o0) {
        int nb = w.blocksPerRow;
        byte[] q = w.quants;
        FloatVector a = FloatVector.zero(F);
        for (int b = 0; b < nb; b++) {
            int gb = g * nb + b;
            FloatVector d = FloatVector.fromArray(F, w.scales, gb * G), m = FloatVector.fromArray(F, w.mins, gb * G);
            int qb = gb * PackedQ4.GROUP_BLOCK_BYTES;
            for (int p = 0, k = b * PackedQ4.BLOCK; p < PAIRS; p++, k += 2) {
                IntVector pq = pair(q, qb + p * G);
                a = high(pq, d, m).fma(at(x, x0 + k + 1), low(pq, d, m).fma(at(x, x0 + k), a));
            }
        }
        TileKernels.store(a, out, o0, g, w.rows);
    }
}
