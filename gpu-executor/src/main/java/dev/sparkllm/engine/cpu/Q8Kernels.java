package dev.sparkllm.engine.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tiles of {@link TileKernels} for {@link PackedQ8}: per column of a group, one
 * 8-byte load widened to floats (the quants themselves, not yet scaled), then one FMA per token
 * with the token's broadcast activation into the scale group's sum; at the end of each scale
 * group, {@code total = scale * (q . x) + total}. Scaling once per group instead of once per
 * weight takes a multiply out of the innermost loop. See {@link Q4Kernels} for why activations
 * stay float.
 *
 * <p>The loop over a scale group's columns is its own inner loop. (Before the scaling moved out
 * of it, that shape made Java 17's C2 run SmolLM2's output projection 2.6x slower than one flat
 * loop over the columns; now the nested loop is the faster one, by about 2.9x in a
 * single-kernel test.)
 */
final class Q8Kernels {
    private Q8Kernels() {}

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
        float[] x = in.x, sc = w.scales;
        int qg = g * cols * G;
        int x0 = in.at(t), x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
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
            FloatVector d = FloatVector.fromArray(F, sc, si);
            a0 = d.fma(b0, a0);
            a1 = d.fma(b1, a1);
            a2 = d.fma(b2, a2);
            a3 = d.fma(b3, a3);
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
        float[] x = in.x, sc = w.scales;
        int x0 = in.at(t);
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
            a0 = FloatVector.fromArray(F, sc, si).fma(b0, a0);
            a1 = FloatVector.fromArray(F, sc, si + groupScales).fma(b1, a1);
            a2 = FloatVector.fromArray(F, sc, si + 2 * groupScales).fma(b2, a2);
        }
        // Three whole groups (TileKernels.cover never gives this tile a partial one): plain stores.
        a0.intoArray(out, o0 + g * G);
        a1.intoArray(out, o0 + (g + 1) * G);
        a2.intoArray(out, o0 + (g + 2) * G);
    }

    static void single(PackedQ8 w, TileInput in, int t, int g, float[] out, int o0) {
        int cols = w.cols, gs = w.groupSize, perRow = cols / gs;
        byte[] q = w.quants;
        float[] x = in.x, sc = w.scales;
        int x0 = in.at(t);
        int qg = g * cols * G;
        FloatVector a = FloatVector.zero(F);
        for (int s = 0, si = g * perRow * G; s < perRow; s++, si += G) {
            FloatVector bd = FloatVector.zero(F);
            for (int k = s * gs, end = k + gs; k < end; k++) bd = column(q, qg, k).fma(at(x, x0 + k), bd);
            a = FloatVector.fromArray(F, sc, si).fma(bd, a);
        }
        TileKernels.store(a, out, o0, g, w.rows);
    }
}
