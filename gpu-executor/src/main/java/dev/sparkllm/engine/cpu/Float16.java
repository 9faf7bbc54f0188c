package dev.sparkllm.engine.cpu;

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

    /** Rounds x[off .. off + n) to the nearest f16 value, keeping them as floats. */
    public static void roundInPlace(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) x[i] = toFloat(fromFloat(x[i]));
    }
}
