package dev.sparkllm.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * IEEE 754 half precision (binary16) conversions. Java 17 has no {@code Float.float16ToFloat}, so
 * decoding goes through a 65536-entry table (256 KiB, built once): one load per scale, and exact
 * for every input including subnormals, infinities and NaN payloads.
 */
public final class Float16 {
    private Float16() {}

    /** TO_FLOAT[bits] is the float value of the half with those 16 bits. */
    private static final float[] TO_FLOAT = new float[1 << 16];

    static {
        for (int bits = 0; bits < TO_FLOAT.length; bits++) {
            TO_FLOAT[bits] = decode(bits);
        }
    }

    /** The float value of the half-precision number with bit pattern {@code bits} (low 16 bits used). */
    public static float toFloat(short bits) {
        return TO_FLOAT[bits & 0xFFFF];
    }

    /** Same as {@link #toFloat(short)} for a bit pattern held in an int (only the low 16 bits count). */
    public static float toFloat(int bits) {
        return TO_FLOAT[bits & 0xFFFF];
    }

    /** Bit-level decode used to fill the table. */
    private static float decode(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            // Infinity or NaN: keep the payload in the top mantissa bits, as a hardware cvtph2ps does.
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // Zero or subnormal: mantissa * 2^-24, exactly representable as a float.
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        // Normal: rebias the exponent from 15 to 127.
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /**
     * The half-precision bit pattern nearest to {@code value} (round to nearest, ties to even),
     * matching GGML_FP32_TO_FP16 / F16C's vcvtps2ph: overflow goes to infinity, NaN stays NaN.
     */
    public static short fromFloat(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int magnitude = f & 0x7FFFFFFF;
        if (magnitude >= 0x7F800000) {
            // Infinity stays infinity; NaN keeps its top payload bits and is forced quiet.
            return (short) (sign | 0x7C00 | (magnitude > 0x7F800000 ? 0x200 | ((magnitude >>> 13) & 0x3FF) : 0));
        }
        if (magnitude >= 0x477FF000) {
            // At or above 65520 rounds to infinity.
            return (short) (sign | 0x7C00);
        }
        if (magnitude < 0x38800000) {
            // Result is subnormal (or zero): the mantissa is value / 2^-24 rounded to nearest even.
            // Scaling by a power of two is exact, so rint sees the true quotient.
            float scaled = Float.intBitsToFloat(magnitude) * 0x1p24f;
            int rounded = (int) Math.rint(scaled);
            return (short) (sign | rounded);
        }
        // Normal: drop 13 mantissa bits with round-to-nearest-even, then rebias the exponent.
        int roundBit = 1 << 12;
        int lsb = (magnitude >>> 13) & 1;
        int rounded = magnitude + (roundBit - 1) + lsb;
        return (short) (sign | ((rounded >>> 13) - (112 << 10)));
    }

    /** Same as toFloat(fromFloat(value)): value rounded to the nearest half (ties to even). */
    public static float round(float value) {
        return toFloat(fromFloat(value));
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> PAIRS = IntVector.SPECIES_256;
    /** A half's sign, exponent and mantissa bits once shifted to a float's places. */
    private static final int HALF_BITS_IN_FLOAT = 0x8FFFE000;
    private static final float HALF_TO_FLOAT_BIAS = 0x1p112f;
    private static final short LARGEST_HALF = 0x7BFF; // 65504

    /**
     * The bits the KV pool stores for {@code value}: the nearest half (ties to even), except that
     * subnormal halves are flushed to a signed zero and overflow saturates at the largest finite
     * half instead of becoming infinite (NaN stays NaN). A cached key or value below 2^-14 in
     * magnitude changes the scores by less than 1e-4, while storing none keeps {@link #decodePairRows}
     * to a few int operations; saturating keeps one huge activation from turning whole rows of
     * attention into NaN.
     */
    static short toPoolBits(float value) {
        short bits = fromFloat(value);
        int exponent = bits & 0x7C00;
        if (exponent == 0) return (short) (bits & 0x8000);
        if ((bits & 0x7FFF) == 0x7C00) return (short) ((bits & 0x8000) | LARGEST_HALF);
        return bits;
    }

    /**
     * Decodes {@code rows} rows of len ints that each hold two halves of {@link #toPoolBits} (the
     * low 16 bits and the high 16 bits): row r starts at src[srcOff + r * srcStride], its i-th low
     * half goes to dst[lowOff + r * dstStride + i] and its high half to dst[highOff + r * dstStride
     * + i]. One call for a block's keys instead of one per dimension. Only zeros and normal numbers
     * are decoded exactly (the pool stores no others).
     *
     * <p>Java 17's Vector API has no half-precision conversion, and its short-to-int widening is
     * not compiled to one instruction everywhere, so the pool keeps two halves per int and they are
     * decoded with plain int lanes: the half is brought to the top 16 bits, an arithmetic shift by
     * three puts its exponent and mantissa where a float's go (the sign stays at bit 31), a mask
     * clears the rest, and one multiplication by 2^112 re-biases the exponent from 15 to 127 (exact,
     * as the product is a normal float).
     */
    static void decodePairRows(int[] src, int srcOff, int srcStride, int rows, int len, float[] dst, int lowOff,
                               int highOff, int dstStride) {
        int vectorLen = len & -8;
        for (int r = 0; r < rows; r++) {
            int from = srcOff + r * srcStride, low = lowOff + r * dstStride, high = highOff + r * dstStride;
            for (int i = 0; i < vectorLen; i += 8) {
                IntVector pair = IntVector.fromArray(PAIRS, src, from + i);
                pair.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 3).and(HALF_BITS_IN_FLOAT)
                        .reinterpretAsFloats().mul(HALF_TO_FLOAT_BIAS).intoArray(dst, low + i);
                pair.lanewise(VectorOperators.ASHR, 3).and(HALF_BITS_IN_FLOAT)
                        .reinterpretAsFloats().mul(HALF_TO_FLOAT_BIAS).intoArray(dst, high + i);
            }
            for (int i = vectorLen; i < len; i++) {
                dst[low + i] = poolBitsToFloat((short) src[from + i]);
                dst[high + i] = poolBitsToFloat((short) (src[from + i] >>> 16));
            }
        }
    }

    /** Two halves of {@link #toPoolBits} in one int, as {@link #decodePairRows} reads them. */
    static int pair(short low, short high) {
        return (low & 0xFFFF) | (high << 16);
    }

    /** The scalar form of {@link #decodePairRows}, the same operations (so the same bits). */
    static float poolBitsToFloat(short bits) {
        return Float.intBitsToFloat(((bits << 16) >> 3) & HALF_BITS_IN_FLOAT) * HALF_TO_FLOAT_BIAS;
    }

    /**
     * Rounds a[off .. off + len) in place to half precision, as storing them in an F16 tensor
     * and reading them back would (llama.cpp keeps its KV cache, and feeds attention, in F16).
     * Equal to {@link #round} element by element, except that NaNs are left as they are.
     * Vectorized: this runs on every cached key and value and every attention score.
     */
    public static void roundInPlace(float[] a, int off, int len) {
        int i = 0;
        for (int bound = F.loopBound(len); i < bound; i += F.length()) {
            roundVector(FloatVector.fromArray(F, a, off + i)).intoArray(a, off + i);
        }
        for (; i < len; i++) {
            float v = a[off + i];
            if (!Float.isNaN(v)) a[off + i] = round(v);
        }
    }

    private static final float SUBNORMAL_ROUNDER = 0.75f;     // ulp(0.75) = 2^-24 = the subnormal half step

    private static FloatVector roundVector(FloatVector v) {
        IntVector bits = v.reinterpretAsInts();
        IntVector magnitude = bits.and(0x7FFFFFFF);
        IntVector sign = bits.and(0x80000000);
        // Normal halves: round the float mantissa to 10 bits, ties to even (carries into the exponent are right).
        IntVector lsb = bits.lanewise(VectorOperators.LSHR, 13).and(1);
        IntVector normal = bits.add(lsb.add(0x0FFF)).and(0xFFFFE000);
        // Subnormal halves (|v| < 2^-14): multiples of 2^-24; the float addition rounds to even.
        IntVector subnormal = v.add(SUBNORMAL_ROUNDER).sub(SUBNORMAL_ROUNDER).reinterpretAsInts().or(sign);
        VectorMask<Integer> isSubnormal = magnitude.compare(VectorOperators.LT, 0x38800000);
        VectorMask<Integer> overflows = magnitude.compare(VectorOperators.GE, 0x477FF000);    // >= 65520
        VectorMask<Integer> isNaN = magnitude.compare(VectorOperators.GT, 0x7F800000);
        IntVector rounded = normal.blend(subnormal, isSubnormal)
                .blend(sign.or(0x7F800000), overflows)
                .blend(bits, isNaN);
        return rounded.reinterpretAsFloats();
    }
}
