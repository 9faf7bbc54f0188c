package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Builds weight tensors in memory for the kernel tests. F32/F16/BF16/Q8_0/Q4_0/Q4_1 are
 * quantized from floats following ggml-quants.c's quantize_row_*_ref; the K-quants, which ggml
 * quantizes with an iterative search not worth porting, and Q5_0/Q5_1/IQ4_NL get random but
 * valid blocks (small
 * positive f16 super-block scales, random bytes for everything else), which exercises every
 * bit of their layouts just as well.
 */
public final class TestQuantizer {
    private TestQuantizer() {}

    /** A rows x cols tensor of type {@code type} with random contents (Gaussian values where quantizable). */
    static WeightTensor random(GgmlType type, int rows, int cols, Random rnd) {
        if (type.blockSize == 256 || type == GgmlType.Q5_0 || type == GgmlType.Q5_1 || type == GgmlType.IQ4_NL) {
            return randomBlocks(type, rows, cols, rnd);
        }
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) values[i] = (float) rnd.nextGaussian();
        return quantize(type, values, rows, cols);
    }

    /** values (row-major, rows x cols) in {@code type}'s block layout, as ggml's reference quantizer writes it. */
    static WeightTensor quantize(GgmlType type, float[] values, int rows, int cols) {
        ByteBuffer b = allocate(type, rows, cols);
        int n = rows * cols;
        switch (type) {
            case F32 -> { for (int i = 0; i < n; i++) b.putFloat(4 * i, values[i]); }
            case F16 -> { for (int i = 0; i < n; i++) b.putShort(2 * i, Float16.fromFloat(values[i])); }
            case BF16 -> { for (int i = 0; i < n; i++) b.putShort(2 * i, toBf16(values[i])); }
            case Q8_0 -> { for (int i = 0; i < n / 32; i++) q8_0(values, 32 * i, b, 34 * i); }
            case Q4_0 -> { for (int i = 0; i < n / 32; i++) q4_0(values, 32 * i, b, 18 * i); }
            case Q4_1 -> { for (int i = 0; i < n / 32; i++) q4_1(values, 32 * i, b, 20 * i); }
            default -> throw new IllegalArgumentException("no reference quantizer for " + type);
        }
        return new WeightTensor("test." + type, type, rows, cols, b);
    }

    /** Random valid blocks of any type. */
    public static WeightTensor randomBlocks(GgmlType type, int rows, int cols, Random rnd) {
        return randomBlocks(type, rows, cols, rnd, () -> randomScale(rnd));
    }

    /** Random blocks of any type whose f16 block and super-block scales (d, dmin) come from {@code scale}. */
    static WeightTensor randomBlocks(GgmlType type, int rows, int cols, Random rnd, Supplier<Short> scale) {
        ByteBuffer b = allocate(type, rows, cols);
        for (int i = 0; i < b.capacity(); i++) b.put(i, (byte) rnd.nextInt(256));
        int blocks = rows * cols / type.blockSize;
        for (int i = 0; i < blocks; i++) {
            int off = i * type.bytesPerBlock;
            switch (type) {
                case F32 -> b.putFloat(off, (float) rnd.nextGaussian());
                case F16 -> b.putShort(off, Float16.fromFloat((float) rnd.nextGaussian()));
                case BF16 -> b.putShort(off, toBf16((float) rnd.nextGaussian()));
                case Q8_0, Q4_0, Q5_0, IQ4_NL, IQ4_XS -> b.putShort(off, scale.get());
                case Q4_1, Q5_1 -> {
                    b.putShort(off, scale.get());
                    b.putShort(off + 2, Float16.fromFloat((float) rnd.nextGaussian() * 0.05f));
                }
                case Q4_K, Q5_K -> {
                    b.putShort(off, scale.get());
                    b.putShort(off + 2, scale.get());
                }
                case Q2_K -> {
                    b.putShort(off + 80, scale.get());
                    b.putShort(off + 82, scale.get());
                }
                case Q3_K -> b.putShort(off + 108, scale.get());
                case Q6_K -> b.putShort(off + 208, scale.get());
            }
        }
        return new WeightTensor("random." + type, type, rows, cols, b);
    }

    private static short randomScale(Random rnd) {
        return Float16.fromFloat(1e-4f + rnd.nextFloat() * 0.02f);
    }

    private static ByteBuffer allocate(GgmlType type, int rows, int cols) {
        return ByteBuffer.allocate(Math.toIntExact(type.byteSize((long) rows * cols))).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** ggml_compute_fp32_to_bf16: round to nearest even, NaN forced quiet. */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) return (short) ((bits >>> 16) | 64);
        return (short) ((bits + (0x7FFF + ((bits >>> 16) & 1))) >>> 16);
    }

    /** quantize_row_q8_0_ref. */
    private static void q8_0(float[] x, int from, ByteBuffer y, int off) {
        float amax = 0;
        for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[from + j]));
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        y.putShort(off, Float16.fromFloat(d));
        for (int j = 0; j < 32; j++) y.put(off + 2 + j, (byte) roundf(x[from + j] * id));
    }

    /** quantize_row_q4_0_ref. */
    private static void q4_0(float[] x, int from, ByteBuffer y, int off) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < 32; j++) {
            float v = x[from + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        y.putShort(off, Float16.fromFloat(d));
        for (int j = 0; j < 16; j++) {
            int x0 = Math.min(15, (byte) (int) (x[from + j] * id + 8.5f));
            int x1 = Math.min(15, (byte) (int) (x[from + 16 + j] * id + 8.5f));
            y.put(off + 2 + j, (byte) (x0 | (x1 << 4)));
        }
    }

    /** quantize_row_q4_1_ref. */
    private static void q4_1(float[] x, int from, ByteBuffer y, int off) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < 32; j++) {
            min = Math.min(min, x[from + j]);
            max = Math.max(max, x[from + j]);
        }
        float d = (max - min) / 15;
        float id = d != 0 ? 1.0f / d : 0.0f;
        y.putShort(off, Float16.fromFloat(d));
        y.putShort(off + 2, Float16.fromFloat(min));
        for (int j = 0; j < 16; j++) {
            int x0 = Math.min(15, (byte) (int) ((x[from + j] - min) * id + 0.5f));
            int x1 = Math.min(15, (byte) (int) ((x[from + 16 + j] - min) * id + 0.5f));
            y.put(off + 4 + j, (byte) (x0 | (x1 << 4)));
        }
    }

    /** C's roundf: halves away from zero. */
    private static int roundf(float v) {
        return (int) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }
}
