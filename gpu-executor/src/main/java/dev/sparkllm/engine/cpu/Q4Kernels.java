package dev.sparkllm.engine.cpu;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products of {@link PackedQ4} rows with 8-bit activations, and row decoding for the batched
 * path. Per block of 32 (x ~ dx * qx, w = d * q + m):
 * <pre>
 *   dot = d * dx * sum(q * qx) + m * (dx * sum(qx))
 * </pre>
 * sum(q * qx) is exact integer arithmetic on 256-bit vectors. AVX2's byte multiply-add
 * (pmaddubsw) is not reachable from Java 17's Vector API, so nibbles are widened to 16-bit lanes
 * and multiplied as 32-bit lanes holding two of them against {@link Q8Activations#pairs}: the
 * upper half of each 32-bit product is the sum of two nibble*activation products (see there).
 * Adding 0x8000 before the shift cancels the borrow from the lower half, so it is exact.
 *
 * <p>Measured on one core of the 2-core EPYC (AVX2), all 63 MiB of SmolLM2-135M's Q4_1 matrices
 * per pass, each variant reading the same GGUF block layout: nibbles widened to floats and FMA'd
 * with float activations 22 ms; 16-bit products summed pairwise with shifts 17-21 ms; this
 * 32-bit pair product 16.5-17 ms, and 10.5-11.7 ms on the {@link PackedQ4} layout. Two rows per
 * pass (dot2) beat one; four rows spilled registers and were slower; dropping the exact
 * rounding (the 0x8000 and the shift) saved nothing measurable, so it stays exact.
 */
final class Q4Kernels {
    private Q4Kernels() {}

    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;

    /**
     * out[outOff + r] = row r of w . token {@code token} of x, for r in [rowFrom, rowTo).
     */
    static void matvec(PackedQ4 w, Q8Activations x, int token, float[] out, int outOff, int rowFrom, int rowTo) {
        int nb = w.blocksPerRow;
        int xBlock = token * nb;
        int r = rowFrom;
        for (; r + 1 < rowTo; r += 2) {
            dot2(w, r, x, xBlock, out, outOff + r);
        }
        if (r < rowTo) {
            out[outOff + r] = dot(w, r, x, xBlock);
        }
    }

    /**
     * {@link #matvec} for two tokens at once (same results): rows are unpacked once for both,
     * which measured 12-13% faster than two single-token passes over all of SmolLM2's Q4_1 rows.
     */
    static void matvec2(PackedQ4 w, Q8Activations x, int tokenA, int tokenB, float[] out, int outOffA, int outOffB,
                        int rowFrom, int rowTo) {
        int nb = w.blocksPerRow;
        int r = rowFrom;
        for (; r + 1 < rowTo; r += 2) {
            dot2x2(w, r, x, tokenA * nb, tokenB * nb, out, outOffA + r, outOffB + r);
        }
        if (r < rowTo) {
            out[outOffA + r] = dot(w, r, x, tokenA * nb);
            out[outOffB + r] = dot(w, r, x, tokenB * nb);
        }
    }

    /** Row r of w . the activation vector starting at block xBlock. */
    static float dot(PackedQ4 w, int r, Q8Activations x, int xBlock) {
        byte[] q = w.quants;
        float[] d = w.scales;
        float[] m = w.mins;
        int[] xq = x.pairs;
        float[] xd = x.scales;
        float[] xs = x.scaledSums;
        int nb = w.blocksPerRow;
        int wb = r * nb;
        IntVector half = IntVector.broadcast(I256, 0x8000);
        FloatVector acc = FloatVector.zero(F256);
        float accMin = 0;
        for (int b = 0; b < nb; b++) {
            int xb = xBlock + b;
            ShortVector nibbles = (ShortVector) ByteVector.fromArray(B128, q, (wb + b) * 16).castShape(S256, 0);
            IntVector lo = nibbles.and((short) 0x0F).reinterpretAsInts();
            IntVector hi = nibbles.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).reinterpretAsInts();
            IntVector sums = lo.mul(IntVector.fromArray(I256, xq, xb * 16))
                    .add(hi.mul(IntVector.fromArray(I256, xq, xb * 16 + 8)))
                    .add(half)
                    .lanewise(VectorOperators.ASHR, 16);
            FloatVector products = (FloatVector) sums.castShape(F256, 0);
            acc = products.fma(FloatVector.broadcast(F256, d[wb + b] * xd[xb]), acc);
            accMin += m[wb + b] * xs[xb];
        }
        return acc.reduceLanes(VectorOperators.ADD) + accMin;
    }

    /**
     * Rows r and r+1 at once: each activation block is loaded once for both, and the two
     * independent accumulator chains overlap their FMA latencies.
     */
    static void dot2(PackedQ4 w, int r, Q8Activations x, int xBlock, float[] out, int o) {
        byte[] q = w.quants;
        float[] d = w.scales;
        float[] m = w.mins;
        int[] xq = x.pairs;
        float[] xd = x.scales;
        float[] xs = x.scaledSums;
        int nb = w.blocksPerRow;
        int wb0 = r * nb;
        int wb1 = wb0 + nb;
        IntVector half = IntVector.broadcast(I256, 0x8000);
        FloatVector acc0 = FloatVector.zero(F256);
        FloatVector acc1 = FloatVector.zero(F256);
        float accMin0 = 0;
        float accMin1 = 0;
        for (int b = 0; b < nb; b++) {
            int xb = xBlock + b;
            IntVector xLo = IntVector.fromArray(I256, xq, xb * 16);
            IntVector xHi = IntVector.fromArray(I256, xq, xb * 16 + 8);
            float dx = xd[xb];
            float sx = xs[xb];

            ShortVector n0 = (ShortVector) ByteVector.fromArray(B128, q, (wb0 + b) * 16).castShape(S256, 0);
            IntVector s0 = n0.and((short) 0x0F).reinterpretAsInts().mul(xLo)
                    .add(n0.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).reinterpretAsInts().mul(xHi))
                    .add(half)
                    .lanewise(VectorOperators.ASHR, 16);
            acc0 = ((FloatVector) s0.castShape(F256, 0)).fma(FloatVector.broadcast(F256, d[wb0 + b] * dx), acc0);
            accMin0 += m[wb0 + b] * sx;

            ShortVector n1 = (ShortVector) ByteVector.fromArray(B128, q, (wb1 + b) * 16).castShape(S256, 0);
            IntVector s1 = n1.and((short) 0x0F).reinterpretAsInts().mul(xLo)
                    .add(n1.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).reinterpretAsInts().mul(xHi))
                    .add(half)
                    .lanewise(VectorOperators.ASHR, 16);
            acc1 = ((FloatVector) s1.castShape(F256, 0)).fma(FloatVector.broadcast(F256, d[wb1 + b] * dx), acc1);
            accMin1 += m[wb1 + b] * sx;
        }
        out[o] = acc0.reduceLanes(VectorOperators.ADD) + accMin0;
        out[o + 1] = acc1.reduceLanes(VectorOperators.ADD) + accMin1;
    }

    /**
     * Rows r, r+1 times two tokens (activation blocks from xBlockA and xBlockB): each weight block
     * is unpacked once for both tokens. Every (row, token) pair goes through exactly the operations
     * of {@link #dot2}, in the same order, so results are bit-identical to it: batching tokens does
     * not change any token's output.
     */
    static void dot2x2(PackedQ4 w, int r, Q8Activations x, int xBlockA, int xBlockB,
                       float[] out, int oA, int oB) {
        byte[] q = w.quants;
        float[] d = w.scales;
        float[] m = w.mins;
        int[] xq = x.pairs;
        float[] xd = x.scales;
        float[] xs = x.scaledSums;
        int nb = w.blocksPerRow;
        int wb0 = r * nb;
        int wb1 = wb0 + nb;
        IntVector half = IntVector.broadcast(I256, 0x8000);
        FloatVector acc0A = FloatVector.zero(F256), acc1A = acc0A, acc0B = acc0A, acc1B = acc0A;
        float min0A = 0, min1A = 0, min0B = 0, min1B = 0;
        for (int b = 0; b < nb; b++) {
            ShortVector n0 = (ShortVector) ByteVector.fromArray(B128, q, (wb0 + b) * 16).castShape(S256, 0);
            IntVector lo0 = n0.and((short) 0x0F).reinterpretAsInts();
            IntVector hi0 = n0.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).reinterpretAsInts();
            ShortVector n1 = (ShortVector) ByteVector.fromArray(B128, q, (wb1 + b) * 16).castShape(S256, 0);
            IntVector lo1 = n1.and((short) 0x0F).reinterpretAsInts();
            IntVector hi1 = n1.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F).reinterpretAsInts();
            float d0 = d[wb0 + b], d1 = d[wb1 + b], m0 = m[wb0 + b], m1 = m[wb1 + b];

            int xb = xBlockA + b;
            IntVector xLo = IntVector.fromArray(I256, xq, xb * 16);
            IntVector xHi = IntVector.fromArray(I256, xq, xb * 16 + 8);
            float dx = xd[xb], sx = xs[xb];
            IntVector s = lo0.mul(xLo).add(hi0.mul(xHi)).add(half).lanewise(VectorOperators.ASHR, 16);
            acc0A = ((FloatVector) s.castShape(F256, 0)).fma(FloatVector.broadcast(F256, d0 * dx), acc0A);
            min0A += m0 * sx;
            s = lo1.mul(xLo).add(hi1.mul(xHi)).add(half).lanewise(VectorOperators.ASHR, 16);
            acc1A = ((FloatVector) s.castShape(F256, 0)).fma(FloatVector.broadcast(F256, d1 * dx), acc1A);
            min1A += m1 * sx;

            xb = xBlockB + b;
            xLo = IntVector.fromArray(I256, xq, xb * 16);
            xHi = IntVector.fromArray(I256, xq, xb * 16 + 8);
            dx = xd[xb];
            sx = xs[xb];
            s = lo0.mul(xLo).add(hi0.mul(xHi)).add(half).lanewise(VectorOperators.ASHR, 16);
            acc0B = ((FloatVector) s.castShape(F256, 0)).fma(FloatVector.broadcast(F256, d0 * dx), acc0B);
            min0B += m0 * sx;
            s = lo1.mul(xLo).add(hi1.mul(xHi)).add(half).lanewise(VectorOperators.ASHR, 16);
            acc1B = ((FloatVector) s.castShape(F256, 0)).fma(FloatVector.broadcast(F256, d1 * dx), acc1B);
            min1B += m1 * sx;
        }
        out[oA] = acc0A.reduceLanes(VectorOperators.ADD) + min0A;
        out[oA + 1] = acc1A.reduceLanes(VectorOperators.ADD) + min1A;
        out[oB] = acc0B.reduceLanes(VectorOperators.ADD) + min0B;
        out[oB + 1] = acc1B.reduceLanes(VectorOperators.ADD) + min1B;
    }

    /**
     * Decodes rows [row, row + count) to floats in dst (row after row, cols each), for the
     * batched path. Per block: two 8-byte loads, nibbles split, widened to floats, scale * q + min.
     */
    static void dequantizeRows(PackedQ4 w, int row, int count, float[] dst) {
        byte[] q = w.quants;
        float[] d = w.scales;
        float[] m = w.mins;
        int firstBlock = row * w.blocksPerRow;
        int blocks = count * w.blocksPerRow;
        for (int i = 0; i < blocks; i++) {
            int b = firstBlock + i;
            FloatVector scale = FloatVector.broadcast(F256, d[b]);
            FloatVector min = FloatVector.broadcast(F256, m[b]);
            int out = i * 32;
            for (int half = 0; half < 2; half++) {
                // bytes 8*half .. 8*half+7: low nibbles are weights 8*half.., high nibbles 16 + 8*half..
                ByteVector bytes = ByteVector.fromArray(ByteVector.SPECIES_64, q, b * 16 + 8 * half);
                FloatVector lo = (FloatVector) bytes.and((byte) 0x0F).castShape(F256, 0);
                FloatVector hi = (FloatVector) bytes.lanewise(VectorOperators.LSHR, 4).castShape(F256, 0);
                lo.fma(scale, min).intoArray(dst, out + 8 * half);
                hi.fma(scale, min).intoArray(dst, out + 16 + 8 * half);
            }
        }
    }
}
