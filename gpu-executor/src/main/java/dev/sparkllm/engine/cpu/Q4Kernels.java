package dev.sparkllm.engine.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tiles of {@link TileKernels} for {@link PackedQ4}. Per column pair of a group: one
 * 8-byte load widened to eight ints, the low and high nibbles converted to floats (the quants
 * 0..15 themselves, not yet scaled), then per token two FMAs with the token's broadcast
 * activations into the block's sum. At the end of each 32-column block the sum is scaled and the
 * min term added from the token's block sum ({@link TileInput}):
 * {@code total = min * sum(x) + scale * (q . x) + total}, two FMAs per block instead of one per
 * weight. Weights are decoded in registers and never written back, so the weight bytes read per
 * step are the packed ones, whatever the number of tokens.
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

    private static FloatVector low(IntVector pair) {
        return (FloatVector) pair.and(0x0F).convert(VectorOperators.I2F, 0);
    }

    private static FloatVector high(IntVector pair) {
        return (FloatVector) pair.lanewise(VectorOperators.LSHR, 4).and(0x0F).convert(VectorOperators.I2F, 0);
    }

    private static FloatVector at(float[] x, int i) {
        return FloatVector.broadcast(F, x[i]);
    }

    static void tokens4(PackedQ4 w, TileInput in, int t, int g, float[] out, int o0) {
        int cols = w.cols, nb = w.blocksPerRow;
        byte[] q = w.quants;
        float[] x = in.x, xs = in.sums32;
        int x0 = in.at(t), x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        int s0 = in.sumsAt(t, PackedQ4.BLOCK), s1 = s0 + nb, s2 = s1 + nb, s3 = s2 + nb;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < nb; b++) {
            int gb = g * nb + b;
            int qb = gb * PackedQ4.GROUP_BLOCK_BYTES;
            FloatVector b0 = FloatVector.zero(F), b1 = b0, b2 = b0, b3 = b0;
            for (int p = 0, k = b * PackedQ4.BLOCK; p < PAIRS; p++, k += 2) {
                IntVector pq = pair(q, qb + p * G);
                FloatVector lo = low(pq), hi = high(pq);
                b0 = hi.fma(at(x, x0 + k + 1), lo.fma(at(x, x0 + k), b0));
                b1 = hi.fma(at(x, x1 + k + 1), lo.fma(at(x, x1 + k), b1));
                b2 = hi.fma(at(x, x2 + k + 1), lo.fma(at(x, x2 + k), b2));
                b3 = hi.fma(at(x, x3 + k + 1), lo.fma(at(x, x3 + k), b3));
            }
            FloatVector d = FloatVector.fromArray(F, w.scales, gb * G), m = FloatVector.fromArray(F, w.mins, gb * G);
            a0 = m.fma(at(xs, s0 + b), d.fma(b0, a0));
            a1 = m.fma(at(xs, s1 + b), d.fma(b1, a1));
            a2 = m.fma(at(xs, s2 + b), d.fma(b2, a2));
            a3 = m.fma(at(xs, s3 + b), d.fma(b3, a3));
        }
        int rows = w.rows;
        TileKernels.store(a0, out, o0, g, rows);
        TileKernels.store(a1, out, o0 + rows, g, rows);
        TileKernels.store(a2, out, o0 + 2 * rows, g, rows);
        TileKernels.store(a3, out, o0 + 3 * rows, g, rows);
    }

    static void groups3(PackedQ4 w, TileInput in, int t, int g, float[] out, int o0) {
        int nb = w.blocksPerRow;
        byte[] q = w.quants;
        float[] x = in.x, sc = w.scales, mn = w.mins;
        int x0 = in.at(t), s0 = in.sumsAt(t, PackedQ4.BLOCK);
        float[] xs = in.sums32;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0;
        for (int b = 0; b < nb; b++) {
            int g0 = g * nb + b, g1 = g0 + nb, g2 = g1 + nb;
            int q0 = g0 * PackedQ4.GROUP_BLOCK_BYTES, q1 = g1 * PackedQ4.GROUP_BLOCK_BYTES, q2 = g2 * PackedQ4.GROUP_BLOCK_BYTES;
            FloatVector b0 = FloatVector.zero(F), b1 = b0, b2 = b0;
            for (int p = 0, k = x0 + b * PackedQ4.BLOCK; p < PAIRS; p++, k += 2) {
                FloatVector xl = at(x, k), xh = at(x, k + 1);
                IntVector pq = pair(q, q0 + p * G);
                b0 = high(pq).fma(xh, low(pq).fma(xl, b0));
                pq = pair(q, q1 + p * G);
                b1 = high(pq).fma(xh, low(pq).fma(xl, b1));
                pq = pair(q, q2 + p * G);
                b2 = high(pq).fma(xh, low(pq).fma(xl, b2));
            }
            FloatVector sum = at(xs, s0 + b);
            a0 = FloatVector.fromArray(F, mn, g0 * G).fma(sum, FloatVector.fromArray(F, sc, g0 * G).fma(b0, a0));
            a1 = FloatVector.fromArray(F, mn, g1 * G).fma(sum, FloatVector.fromArray(F, sc, g1 * G).fma(b1, a1));
            a2 = FloatVector.fromArray(F, mn, g2 * G).fma(sum, FloatVector.fromArray(F, sc, g2 * G).fma(b2, a2));
        }
        // Three whole groups (TileKernels.cover never gives this tile a partial one): plain stores.
        a0.intoArray(out, o0 + g * G);
        a1.intoArray(out, o0 + (g + 1) * G);
        a2.intoArray(out, o0 + (g + 2) * G);
    }

    static void single(PackedQ4 w, TileInput in, int t, int g, float[] out, int o0) {
        int nb = w.blocksPerRow;
        byte[] q = w.quants;
        float[] x = in.x;
        int x0 = in.at(t), s0 = in.sumsAt(t, PackedQ4.BLOCK);
        float[] xs = in.sums32;
        FloatVector a = FloatVector.zero(F);
        for (int b = 0; b < nb; b++) {
            int gb = g * nb + b;
            int qb = gb * PackedQ4.GROUP_BLOCK_BYTES;
            FloatVector bd = FloatVector.zero(F);
            for (int p = 0, k = x0 + b * PackedQ4.BLOCK; p < PAIRS; p++, k += 2) {
                IntVector pq = pair(q, qb + p * G);
                bd = high(pq).fma(at(x, k + 1), low(pq).fma(at(x, k), bd));
            }
            FloatVector d = FloatVector.fromArray(F, w.scales, gb * G), m = FloatVector.fromArray(F, w.mins, gb * G);
            a = m.fma(at(xs, s0 + b), d.fma(bd, a));
        }
        TileKernels.store(a, out, o0, g, w.rows);
    }
}
