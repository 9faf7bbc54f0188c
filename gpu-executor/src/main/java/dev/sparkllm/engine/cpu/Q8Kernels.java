package dev.sparkllm.engine.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products of {@link PackedQ8} rows (signed 8-bit weights) with 8-bit activations, and row
 * decoding for the batched path. Per block of 32: dot = dx * sum_g(d_g * sum(q * qx)) over the
 * weight groups g of the block (one for Q8_0, two for Q6_K).
 *
 * <p>Both operands are widened to 16-bit lanes and multiplied there (|q * qx| &lt;= 128 * 127, and
 * the two products added per lane stay below 32767); adjacent 16-bit lanes are then summed into
 * 32-bit lanes with shifts, the stand-in for AVX2's pmaddwd which Java 17 does not expose.
 * Measured on the output matrix of SmolLM2 (49152 x 576 Q8_0, one thread): 2.45 ns per block
 * with the matrix in L3, 4.6 ns from DRAM; widening to floats and FMA-ing float activations
 * instead: 3.0 / 5.7 ns.
 */
final class Q8Kernels {
    private Q8Kernels() {}

    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;

    /** out[outOff + r] = row r of w . token {@code token} of x, for r in [rowFrom, rowTo). */
    static void matvec(PackedQ8 w, Q8Activations x, int token, float[] out, int outOff, int rowFrom, int rowTo) {
        int xBlock = token * (w.cols / 32);
        if (w.groupSize == 32) {
            // One row at a time: a two-row variant (as Q4Kernels.dot2) ran at half the speed here,
            // its 16-bit temporaries spill out of AVX2's 16 registers.
            for (int r = rowFrom; r < rowTo; r++) out[outOff + r] = dot32(w, r, x, xBlock);
        } else {
            for (int r = rowFrom; r < rowTo; r++) out[outOff + r] = dot16(w, r, x, xBlock);
        }
    }

    /** Adds adjacent 16-bit lanes into 32-bit lanes: (low half sign-extended) + (high half). */
    private static IntVector pairSums(ShortVector products) {
        IntVector packed = products.reinterpretAsInts();
        return packed.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(packed.lanewise(VectorOperators.ASHR, 16));
    }

    /** Row r . activations, one scale per 32 weights (Q8_0). */
    static float dot32(PackedQ8 w, int r, Q8Activations x, int xBlock) {
        byte[] q = w.quants;
        float[] d = w.scales;
        short[] xq = x.shorts;
        float[] xd = x.scales;
        int nb = w.cols / 32;
        int wb = r * nb;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < nb; b++) {
            int wq = (wb + b) * 32;
            int xo = (xBlock + b) * 32;
            ShortVector w0 = (ShortVector) ByteVector.fromArray(B128, q, wq).castShape(S256, 0);
            ShortVector w1 = (ShortVector) ByteVector.fromArray(B128, q, wq + 16).castShape(S256, 0);
            ShortVector products = w0.mul(ShortVector.fromArray(S256, xq, xo))
                    .add(w1.mul(ShortVector.fromArray(S256, xq, xo + 16)));
            FloatVector sums = (FloatVector) pairSums(products).castShape(F256, 0);
            acc = sums.fma(FloatVector.broadcast(F256, d[wb + b] * xd[xBlock + b]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Row r . activations, one scale per 16 weights (Q6_K): each half-block is scaled on its own. */
    static float dot16(PackedQ8 w, int r, Q8Activations x, int xBlock) {
        byte[] q = w.quants;
        float[] d = w.scales;
        short[] xq = x.shorts;
        float[] xd = x.scales;
        int nb = w.cols / 32;
        int wb = r * nb;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < nb; b++) {
            int wq = (wb + b) * 32;
            int xo = (xBlock + b) * 32;
            float dx = xd[xBlock + b];
            ShortVector w0 = (ShortVector) ByteVector.fromArray(B128, q, wq).castShape(S256, 0);
            ShortVector w1 = (ShortVector) ByteVector.fromArray(B128, q, wq + 16).castShape(S256, 0);
            FloatVector s0 = (FloatVector) pairSums(w0.mul(ShortVector.fromArray(S256, xq, xo))).castShape(F256, 0);
            FloatVector s1 = (FloatVector) pairSums(w1.mul(ShortVector.fromArray(S256, xq, xo + 16))).castShape(F256, 0);
            acc = s0.fma(FloatVector.broadcast(F256, d[2 * (wb + b)] * dx), acc);
            acc = s1.fma(FloatVector.broadcast(F256, d[2 * (wb + b) + 1] * dx), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Decodes rows [row, row + count) to floats in dst, cols per row. */
    static void dequantizeRows(PackedQ8 w, int row, int count, float[] dst) {
        byte[] q = w.quants;
        float[] d = w.scales;
        int g = w.groupSize;
        int first = row * w.cols;
        int n = count * w.cols;
        for (int i = 0; i < n; i += 8) {
            FloatVector scale = FloatVector.broadcast(F256, d[(first + i) / g]);
            ((FloatVector) ByteVector.fromArray(ByteVector.SPECIES_64, q, first + i).castShape(F256, 0))
                    .mul(scale).intoArray(dst, i);
        }
    }
}
