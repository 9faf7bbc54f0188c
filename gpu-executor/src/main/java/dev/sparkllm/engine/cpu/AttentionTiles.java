package dev.sparkllm.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two products of attention over one chunk of positions, for every query that reads the
 * chunk: scores = queries x keys, then out = weights x values, each as a small matrix product
 * from float tiles the chunk was decoded into ({@link CpuKvStorage#keyTile}, {@code valueTile}).
 *
 * <p>Four queries go through a pass together, so each key or value vector loaded from the tile
 * feeds four fused multiply-adds; four queries times two vectors of positions (or of dimensions)
 * is eight accumulators, which leaves room in AVX2's sixteen registers for the loads. Keys are
 * tiled dimension-major, so one vector holds eight positions' values of one dimension and a
 * score needs no horizontal sum. When fewer than four queries are left, the missing ones repeat
 * the last: the repeat computes, and writes, the same bits to the same place.
 *
 * <p>Each score and each output lane is one accumulator summed in a fixed order (dimensions, then
 * positions, ascending) whatever else shares the pass, so a query's bits do not depend on which
 * queries it is batched with.
 */
final class AttentionTiles {
    private AttentionTiles() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final int LANES = 8;
    /** Positions per tile row: keyTile rows, score rows and weight rows are this long. */
    static final int STRIDE = PagedAttention.CHUNK;

    /**
     * scores[i * STRIDE + p] = scale * (query i . key p) for i below n and the positions p of
     * [lo, hi) (relative to the tile), computed for whole vectors of eight around them; the query
     * i starts at q[qOffs[i]], key p's dimension d is keyTile[d * STRIDE + p].
     */
    static void scores(float[] q, int[] qOffs, int n, float[] keyTile, int headDim, int lo, int hi,
                       float scale, float[] scores) {
        int first = lo & -LANES, end = (hi + LANES - 1) & -LANES;
        for (int i = 0; i < n; i += 4) {
            int i1 = Math.min(i + 1, n - 1), i2 = Math.min(i + 2, n - 1), i3 = Math.min(i + 3, n - 1);
            int p = first;
            for (; p + 2 * LANES <= end; p += 2 * LANES) {
                scoresTwoVectors(q, qOffs[i], qOffs[i1], qOffs[i2], qOffs[i3], keyTile, headDim, p, scale,
                        scores, i * STRIDE, i1 * STRIDE, i2 * STRIDE, i3 * STRIDE);
            }
            if (p < end) {
                scoresOneVector(q, qOffs[i], qOffs[i1], qOffs[i2], qOffs[i3], keyTile, headDim, p, scale,
                        scores, i * STRIDE, i1 * STRIDE, i2 * STRIDE, i3 * STRIDE);
            }
        }
    }

    private static void scoresTwoVectors(float[] q, int qa, int qb, int qc, int qd, float[] kt, int headDim,
                                         int p, float scale, float[] s, int ra, int rb, int rc, int rd) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
        for (int d = 0, k = p; d < headDim; d++, k += STRIDE) {
            FloatVector k0 = FloatVector.fromArray(F, kt, k), k1 = FloatVector.fromArray(F, kt, k + LANES);
            FloatVector x = FloatVector.broadcast(F, q[qa + d]);
            a0 = x.fma(k0, a0);
            a1 = x.fma(k1, a1);
            x = FloatVector.broadcast(F, q[qb + d]);
            b0 = x.fma(k0, b0);
            b1 = x.fma(k1, b1);
            x = FloatVector.broadcast(F, q[qc + d]);
            c0 = x.fma(k0, c0);
            c1 = x.fma(k1, c1);
            x = FloatVector.broadcast(F, q[qd + d]);
            d0 = x.fma(k0, d0);
            d1 = x.fma(k1, d1);
        }
        a0.mul(scale).intoArray(s, ra + p);
        a1.mul(scale).intoArray(s, ra + p + LANES);
        b0.mul(scale).intoArray(s, rb + p);
        b1.mul(scale).intoArray(s, rb + p + LANES);
        c0.mul(scale).intoArray(s, rc + p);
        c1.mul(scale).intoArray(s, rc + p + LANES);
        d0.mul(scale).intoArray(s, rd + p);
        d1.mul(scale).intoArray(s, rd + p + LANES);
    }

    private static void scoresOneVector(float[] q, int qa, int qb, int qc, int qd, float[] kt, int headDim,
                                        int p, float scale, float[] s, int ra, int rb, int rc, int rd) {
        FloatVector a = FloatVector.zero(F), b = a, c = a, e = a;
        for (int d = 0, k = p; d < headDim; d++, k += STRIDE) {
            FloatVector key = FloatVector.fromArray(F, kt, k);
            a = FloatVector.broadcast(F, q[qa + d]).fma(key, a);
            b = FloatVector.broadcast(F, q[qb + d]).fma(key, b);
            c = FloatVector.broadcast(F, q[qc + d]).fma(key, c);
            e = FloatVector.broadcast(F, q[qd + d]).fma(key, e);
        }
        a.mul(scale).intoArray(s, ra + p);
        b.mul(scale).intoArray(s, rb + p);
        c.mul(scale).intoArray(s, rc + p);
        e.mul(scale).intoArray(s, rd + p);
    }

    /**
     * out[i * headDim + d] = sum over p in [lo, hi) of weights[i * STRIDE + p] * value p's
     * dimension d (valueTile[p * headDim + d]), for i below n; headDim is a multiple of eight.
     */
    static void weightedValues(float[] weights, int n, float[] valueTile, int headDim, int lo, int hi, float[] out) {
        for (int i = 0; i < n; i += 4) {
            int i1 = Math.min(i + 1, n - 1), i2 = Math.min(i + 2, n - 1), i3 = Math.min(i + 3, n - 1);
            int d = 0;
            for (; d + 2 * LANES <= headDim; d += 2 * LANES) {
                valuesTwoVectors(weights, i * STRIDE, i1 * STRIDE, i2 * STRIDE, i3 * STRIDE, valueTile, headDim,
                        d, lo, hi, out, i * headDim, i1 * headDim, i2 * headDim, i3 * headDim);
            }
            if (d < headDim) {
                valuesOneVector(weights, i * STRIDE, i1 * STRIDE, i2 * STRIDE, i3 * STRIDE, valueTile, headDim,
                        d, lo, hi, out, i * headDim, i1 * headDim, i2 * headDim, i3 * headDim);
            }
        }
    }

    private static void valuesTwoVectors(float[] w, int wa, int wb, int wc, int wd, float[] vt, int headDim, int d,
                                         int lo, int hi, float[] out, int oa, int ob, int oc, int od) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
        for (int p = lo, v = lo * headDim + d; p < hi; p++, v += headDim) {
            FloatVector v0 = FloatVector.fromArray(F, vt, v), v1 = FloatVector.fromArray(F, vt, v + LANES);
            FloatVector x = FloatVector.broadcast(F, w[wa + p]);
            a0 = x.fma(v0, a0);
            a1 = x.fma(v1, a1);
            x = FloatVector.broadcast(F, w[wb + p]);
            b0 = x.fma(v0, b0);
            b1 = x.fma(v1, b1);
            x = FloatVector.broadcast(F, w[wc + p]);
            c0 = x.fma(v0, c0);
            c1 = x.fma(v1, c1);
            x = FloatVector.broadcast(F, w[wd + p]);
            d0 = x.fma(v0, d0);
            d1 = x.fma(v1, d1);
        }
        a0.intoArray(out, oa + d);
        a1.intoArray(out, oa + d + LANES);
        b0.intoArray(out, ob + d);
        b1.intoArray(out, ob + d + LANES);
        c0.intoArray(out, oc + d);
        c1.intoArray(out, oc + d + LANES);
        d0.intoArray(out, od + d);
        d1.intoArray(out, od + d + LANES);
    }

    private static void valuesOneVector(float[] w, int wa, int wb, int wc, int wd, float[] vt, int headDim, int d,
                                        int lo, int hi, float[] out, int oa, int ob, int oc, int od) {
        FloatVector a = FloatVector.zero(F), b = a, c = a, e = a;
        for (int p = lo, v = lo * headDim + d; p < hi; p++, v += headDim) {
            FloatVector value = FloatVector.fromArray(F, vt, v);
            a = FloatVector.broadcast(F, w[wa + p]).fma(value, a);
            b = FloatVector.broadcast(F, w[wb + p]).fma(value, b);
            c = FloatVector.broadcast(F, w[wc + p]).fma(value, c);
            e = FloatVector.broadcast(F, w[wd + p]).fma(value, e);
        }
        a.intoArray(out, oa + d);
        b.intoArray(out, ob + d);
        c.intoArray(out, oc + d);
        e.intoArray(out, od + d);
    }
}
