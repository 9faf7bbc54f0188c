package dev.sparkllm.engine.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Q8Kernels}' tiles for a {@link PackedQ8} with a min term (Q5_1, Q5_K, Q2_K): each column
 * is decoded as q * scale + min with one FMA instead of one multiply, and the mins are reloaded
 * with the scales at each scale group. Otherwise the same loops, so the same register budget and
 * the same (row, token) arithmetic in every tile shape.
 */
final class Q8MinKernels {
    private Q8MinKernels() {}

    private static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final int G = QuantizedMatrix.GROUP_ROWS;

    /** Column k of the group whose quants start at qg, times the scales d, plus the mins m. */
    private static FloatVector column(byte[] q, int qg, int k, FloatVector d, FloatVector m) {
        return ((FloatVector) ByteVector.fromArray(B64, q, qg + k * G).convertShape(VectorOperators.B2F, F, 0)).fma(d, m);
    }

    private static FloatVector at(float[] x, int i) {
        return FloatVector.broadcast(F, x[i]);
    }

    static void tokens8(PackedQ8 w, float[] x, int x0, int g, float[] out, int o0) {
        int cols = w.cols, gs = w.groupSize, perRow = cols / gs;
        byte[] q = w.quants;
        float[] sc = w.scales, mn = w.mins;
        int qg = g * cols * G;
        int x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols, x4 = x3 + cols, x5 = x4 + cols, x6 = x5 + cols, x7 = x6 + cols;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector d = a0, m = a0;
        for (int k = 0, next = 0, si = g * perRow * G; k < cols; k++) {
            if (k == next) {
                d = FloatVector.fromArray(F, sc, si);
                m = FloatVector.fromArray(F, mn, si);
                si += G;
                next += gs;
            }
            FloatVector v = column(q, qg, k, d, m);
            a0 = v.fma(at(x, x0 + k), a0);
            a1 = v.fma(at(x, x1 + k), a1);
            a2 = v.fma(at(x, x2 + k), a2);
            a3 = v.fma(at(x, x3 + k), a3);
            a4 = v.fma(at(x, x4 + k), a4);
            a5 = v.fma(at(x, x5 + k), a5);
            a6 = v.fma(at(x, x6 + k), a6);
            a7 = v.fma(at(x, x7 + k), a7);
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

    static void tokens4(PackedQ8 w, float[] x, int x0, int g, float[] out, int o0) {
        int cols = w.cols, gs = w.groupSize, perRow = cols / gs;
        byte[] q = w.quants;
        float[] sc = w.scales, mn = w.mins;
        int qg = g * cols * G;
        int x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        FloatVector d = a0, m = a0;
        for (int k = 0, next = 0, si = g * perRow * G; k < cols; k++) {
            if (k == next) {
                d = FloatVector.fromArray(F, sc, si);
                m = FloatVector.fromArray(F, mn, si);
                si += G;
                next += gs;
            }
            FloatVector v = column(q, qg, k, d, m);
            a0 = v.fma(at(x, x0 + k), a0);
            a1 = v.fma(at(x, x1 + k), a1);
            a2 = v.fma(at(x, x2 + k), a2);
            a3 = v.fma(at(x, x3 + k), a3);
        }
        int rows = w.rows;
        TileKernels.store(a0, out, o0, g, rows);
        TileKernels.store(a1, out, o0 + rows, g, rows);
        TileKernels.store(a2, out, o0 + 2 * rows, g, rows);
        TileKernels.store(a3, out, o0 + 3 * rows, g, rows);
    }

    static void groups3(PackedQ8 w, float[] x, int x0, int g, float[] out, int o0) {
        int cols = w.cols, gs = w.groupSize, perRow = cols / gs;
        byte[] q = w.quants;
        float[] sc = w.scales, mn = w.mins;
        int q0 = g * cols * G, q1 = q0 + cols * G, q2 = q1 + cols * G;
        int groupScales = perRow * G;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0;
        FloatVector d0 = a0, d1 = a0, d2 = a0, m0 = a0, m1 = a0, m2 = a0;
        for (int k = 0, next = 0, si = g * groupScales; k < cols; k++) {
            if (k == next) {
                d0 = FloatVector.fromArray(F, sc, si);
                d1 = FloatVector.fromArray(F, sc, si + groupScales);
                d2 = FloatVector.fromArray(F, sc, si + 2 * groupScales);
                m0 = FloatVector.fromArray(F, mn, si);
                m1 = FloatVector.fromArray(F, mn, si + groupScales);
                m2 = FloatVector.fromArray(F, mn, si + 2 * groupScales);
                si += G;
                next += gs;
            }
            FloatVector xk = at(x, x0 + k);
            a0 = column(q, q0, k, d0, m0).fma(xk, a0);
            a1 = column(q, q1, k, d1, m1).fma(xk, a1);
            a2 = column(q, q2, k, d2, m2).fma(xk, a2);
        }
        int rows = w.rows;
        TileKernels.store(a0, out, o0, g, rows);
        TileKernels.store(a1, out, o0, g + 1, rows);
        TileKernels.store(a2, out, o0, g + 2, rows);
    }

    static void single(PackedQ8 w, float[] x, int x0, int g, float[] out, int o0) {
        int cols = w.cols, gs = w.groupSize, perRow = cols / gs;
        byte[] q = w.quants;
        float[] sc = w.scales, mn = w.mins;
        int qg = g * cols * G;
        FloatVector a = FloatVector.zero(F), d = a, m = a;
        for (int k = 0, next = 0, si = g * perRow * G; k < cols; k++) {
            if (k == next) {
                d = FloatVector.fromArray(F, sc, si);
                m = FloatVector.fromArray(F, mn, si);
                si += G;
                next += gs;
            }
            a = column(q, qg, k, d, m).fma(at(x, x0 + k), a);
        }
        TileKernels.store(a, out, o0, g, w.rows);
    }
}
