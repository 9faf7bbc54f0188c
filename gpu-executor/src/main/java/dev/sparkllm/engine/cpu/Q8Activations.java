package dev.sparkllm.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Activation vectors quantized to 8 bits in blocks of 32, once per matmul, so the weight kernels
 * can multiply integers (as llama.cpp's vec_dot_q4_1_q8_1 / q8_0_q8_0 do): x ~ scale * q with
 * scale = max|x| / 127 per block (rounded to f16) and q = rint(x * 127 / max|x|) in [-127, 127]. The quantization error is
 * at most scale / 2 per element, the same as llama.cpp's (it even rounds its scales to f16).
 *
 * <p>Two layouts of the same quants are kept, one per kernel family:
 * <ul>
 *   <li>{@link #shorts}: q widened to 16 bits in natural order, for 16-bit multiplies with
 *       signed 8-bit weights ({@link Q8Kernels});</li>
 *   <li>{@link #pairs}: for block b and k in 0..15, pairs[16b + k] = q[2k+1] + 65536 * q[2k] as an
 *       exact int, the "SWAR" operand of {@link Q4Kernels}: multiplying it with an int lane that
 *       holds two unsigned nibbles (n0 + 65536 * n1) leaves n0 * q[2k] + n1 * q[2k+1] in the upper
 *       16 bits. Ints 0..7 of a block pair up elements 0..15, ints 8..15 elements 16..31.</li>
 * </ul>
 * Per block it also keeps the scale and scale * sum(q) (what Q4_1's min term multiplies).
 */
final class Q8Activations {
    static final int BLOCK = 32;

    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128;
    private static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    private static final FloatVector ROUNDING = FloatVector.broadcast(F256, 0x1.8p23f);
    private static final int ROUNDING_BITS = Float.floatToIntBits(0x1.8p23f);

    private int tokens;
    private int cols;
    short[] shorts = new short[0];
    int[] pairs = new int[0];
    float[] scales = new float[0];
    float[] scaledSums = new float[0];

    int tokens() { return tokens; }
    int cols() { return cols; }

    /** Quantizes {@code tokens} vectors of {@code cols} floats from x[xOffset...], token after token. */
    void quantize(float[] x, int xOffset, int cols, int tokens) {
        this.tokens = tokens;
        this.cols = cols;
        int n = cols * tokens;
        int blocks = n / BLOCK;
        if (shorts.length < n) {
            shorts = new short[n];
            pairs = new int[n / 2];
            scales = new float[blocks];
            scaledSums = new float[blocks];
        }
        for (int b = 0; b < blocks; b++) {
            quantizeBlock(x, xOffset + b * BLOCK, b);
        }
    }

    /**
     * One block, vectorized: this runs once per matmul on the calling thread before the parallel
     * part, so it is serial time. 576 values: 0.43 us here, 1.4 us as a scalar loop (that was
     * ~0.3 ms of each decoded token).
     */
    private void quantizeBlock(float[] x, int from, int b) {
        FloatVector v0 = FloatVector.fromArray(F256, x, from);
        FloatVector v1 = FloatVector.fromArray(F256, x, from + 8);
        FloatVector v2 = FloatVector.fromArray(F256, x, from + 16);
        FloatVector v3 = FloatVector.fromArray(F256, x, from + 24);
        float amax = v0.abs().max(v1.abs()).max(v2.abs().max(v3.abs())).reduceLanes(VectorOperators.MAX);
        float scale = amax / 127f;
        float inverse = amax != 0 ? 127f / amax : 0f;
        FloatVector inv = FloatVector.broadcast(F256, inverse);
        int base = b * BLOCK;
        IntVector q0 = round(v0.mul(inv));
        IntVector q1 = round(v1.mul(inv));
        IntVector q2 = round(v2.mul(inv));
        IntVector q3 = round(v3.mul(inv));
        int sum = q0.add(q1).add(q2.add(q3)).reduceLanes(VectorOperators.ADD);
        ((ShortVector) q0.castShape(S128, 0)).intoArray(shorts, base);
        ((ShortVector) q1.castShape(S128, 0)).intoArray(shorts, base + 8);
        ((ShortVector) q2.castShape(S128, 0)).intoArray(shorts, base + 16);
        ((ShortVector) q3.castShape(S128, 0)).intoArray(shorts, base + 24);
        // pairs[k] = q[2k+1] + 65536 * q[2k]: read the 16-bit quants back as 32-bit lanes
        // (q[2k] in the low half, q[2k+1] in the high half), sign-extend each half and swap them.
        for (int half = 0; half < 2; half++) {
            IntVector packed = ShortVector.fromArray(S256, shorts, base + 16 * half).reinterpretAsInts();
            IntVector even = packed.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
            IntVector odd = packed.lanewise(VectorOperators.ASHR, 16);
            odd.add(even.lanewise(VectorOperators.LSHL, 16)).intoArray(pairs, b * 16 + 8 * half);
        }
        // llama.cpp keeps the block scale in f16 (block_q8_0.d, block_q8_1.d); rounding it the
        // same way keeps our logits closer to llama.cpp's. The scaled sum is derived from the
        // rounded scale so every kernel stays exact relative to the integer quants.
        scales[b] = Float16.toFloat(Float16.fromFloat(scale));
        scaledSums[b] = scales[b] * sum;
    }

    /**
     * Rounds to the nearest integer, ties to even (as llama.cpp's AVX2 quantizer does), for
     * |v| &lt; 2^22: in v + 1.5 * 2^23 one unit is the last mantissa bit, so the float addition
     * rounds, and its bits minus those of 1.5 * 2^23 are the integer. (The Vector API's F2I
     * conversion took 3x longer than the whole scalar loop on Java 17 / AVX2.)
     */
    private static IntVector round(FloatVector v) {
        return v.add(ROUNDING).reinterpretAsInts().sub(ROUNDING_BITS);
    }
}
