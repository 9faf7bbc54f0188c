package dev.sparkllm.engine.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Q8Kernels}' tiles for a {@link PackedQ8} with a min term (Q5_1, Q5_K, Q2_K): the same
 * loops over the raw quants, and at the end of each scale group
 * {@code total = min * sum(x) + (scale * (q . x) + total)}, with the group's activation sum from
 * {@link TileInput}. A separate class so that Q8_0 and Q6_K read no min array and no sums.
 */
final class Q8MinKernels {
    private Q8MinKernels() {}

    private static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final int G = QuantizedMatrix.GROUP_ROWS;

    /** Column k of the group whose quants start at qg, as floats. */
    private static FloatVector column(byte[] q, int qg, int k) {
        return (FloatVector) ByteVector.fromArray(B64, q, qg + k * G).convertShape(VectorOperators.B2F, F, 0);
    }

    private static FloatVector at(float[] x, int i) {
        return FloatVector.broadcast(F, x[i]);
    }

    static void tokens4(PackedQ8 w, TileInput in, int t, int g, float[] out, int o0) {
        int cols = w.cols, gs = w.groupSize, perRow = cols / gs;
        byte[] q = w.quants;
        float[] x = in.x, sc = w.scales, mn = w.mins, xs = in.sums(gs);
        int qg = g * cols * G;
        int x0 = in.at(t), x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        int s0 = in.sumsAt(t, gs), s1 = s0 + perRow, s2 = s1 + perRow, s3 = s2 + perRow;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int s = 0, si = g * perRow * G; s < perRow; s++, si += G) {
            FloatVector b0 = FloatVector.zero(F), b1 = b0, b2 = b0, b3 = b0;
            for (int k = s * gs, end = k + gs; k < end; k++) {
                FloatVector v = column(q, qg, k);
                b0 = v.fma(at(x, x0 + k), b0);
                b1 = v.fma(at(x, x1 + k), b1);
                b2 = v.fma(at(x, x2 + k), b2);
                b3 = v.fma(at(x, x3 + k), b3);
            }
            FloatVector d = FloatVector.fromArray(F, sc, si), m = FloatVector.fromArray(F, mn, si);
            a0 = m.fma(at(xs, s0 + s), d.fma(b0, a0));
            a1 = m.fma(at(xs, s1 + s), d.fma(b1, a1));
            a2 = m.fma(at(xs, s2 + s), d.fma(b2, a2));
            a3 = m.fma(at(xs, s3 + s), d.fma(b3, a3));
        }
        int rows = w.rows;
        TileKernels.store(a0, out, o0, g, rows);
        TileKernels.store(a1, out, o0 + rows, g, rows);
        TileKernels.store(a2, out, o0 + 2 * rows, g, rows);
        TileKernels.store(a3, out, o0 + 3 * rows, g, rows);
    }

    static void groups3(PackedQ8 w, TileInput in, int t, int g, float[] out, int o0) {
        int cols = w.cols, gs = w.groupSize, perRow = cols / gs;
        byte[] q = w.quants;
        float[] x = in.x, sc = w.scales, mn = w.mins, xs = in.sums(gs);
        int x0 = in.at(t), s0 = in.sumsAt(t, gs);
        int q0 = g * cols * G, q1 = q0 + cols * G, q2 = q1 + cols * G;
        int groupScales = perRow * G;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0;
        for (int s = 0, si = g * groupScales; s < perRow; s++, si += G) {
            FloatVector b0 = FloatVector.zero(F), b1 = b0, b2 = b0;
            for (int k = s * gs, end = k + gs; k < end; k++) {
                FloatVector xk = at(x, x0 + k);
                b0 = column(q, q0, k).fma(xk, b0);
                b1 = column(q, q1, k).fma(xk, b1);
                b2 = column(q, q2, k).fma(xk, b2);
            }
            FloatVector sum = at(xs, s0 + s);
            int si1 = si + groupScales, si2 = si1 + groupScales;
            a0 = FloatVector.fromArray(F, mn, si).fma(sum, FloatVector.fromArray(F, sc, si).fma(b0, a0));
            a1 = FloatVector.fromArray(F, mn, si1).fma(sum, FloatVector.fromArray(F, sc, si1).fma(b1, a1));
            a2 = FloatVector.fromArray(F, mn, si2).fma(sum, FloatVector.fromArray(F, sc, si2).fma(b2, a2));
        }
        // Three whole groups (TileKernels.cover never gives this tile a partial one): plain stores.
        a0.intoArray(out, o0 + g * G);
        a1.intoArray(out, o0 + (g + 1) * G);
        a2.intoArray(out, o0 + (g + 2) * G);
    }

    static void single(PackedQ8 w, TileInput in, int t, int g, float[] out, int o0) {
        int cols = w.cols, gs = w.groupSize, perRow = cols / gs;
        byte[] q = w.quants;
        float[] x = in.x, sc = w.scales, mn = w.mins, xs = in.sums(gs);
        int x0 = in.at(t), s0 = in.sumsAt(t, gs);
        int qg = g * cols * G;
        FloatVector a = FloatVector.zero(F);
        for (int s = 0, si = g * perRow * G; s < perRow; s++, si += G) {
            FloatVector bd = FloatVector.zero(F);
            for (int k = s * gs, end = k + gs; k < end; k++) bd = column(q, qg, k).fma(at(x, x0 + k), bd);
            a = FloatVector.fromArray(F, mn, si).fma(at(xs, s0 + s), FloatVector.fromArray(F, sc, si).fma(bd, a));
        }
        TileKernels.store(a, out, o0, g, w.rows);
    }
}
