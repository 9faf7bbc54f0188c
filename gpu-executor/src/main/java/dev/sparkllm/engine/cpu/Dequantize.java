package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;

import java.nio.ByteBuffer;

/**
 * Scalar reference decoding of GGML weight blocks to floats, one function per type, following
 * ggml-quants.c {@code dequantize_row_*} operation for operation (same float rounding order, no
 * fused multiply-adds), so results equal ggml's and gguf-py's bit for bit. Used for embedding
 * lookups, as the oracle for the vectorized kernels, and wherever speed does not matter.
 *
 * <p>Block layouts (little-endian, "f16" = IEEE half):
 * <pre>
 *   Q8_0  (34 B / 32):  f16 d, int8 qs[32]                       x = d * q
 *   Q4_0  (18 B / 32):  f16 d, u8 qs[16]                         x[j] = d * ((qs[j] &amp; 15) - 8), x[j+16] = d * ((qs[j] &gt;&gt; 4) - 8)
 *   Q4_1  (20 B / 32):  f16 d, f16 m, u8 qs[16]                  x[j] = d * (qs[j] &amp; 15) + m, x[j+16] = d * (qs[j] &gt;&gt; 4) + m
 *   Q4_K (144 B / 256): f16 d, f16 dmin, u8 scales[12], u8 qs[128]; 8 sub-blocks of 32 with 6-bit scale/min
 *   Q6_K (210 B / 256): u8 ql[128], u8 qh[64], int8 scales[16], f16 d; 16 sub-blocks of 16, 6-bit quants - 32
 * </pre>
 */
public final class Dequantize {
    private Dequantize() {}

    /** Writes row {@code row} of {@code w} ({@code w.cols()} floats) to {@code dst} from {@code dstOff}. */
    public static void row(WeightTensor w, int row, float[] dst, int dstOff) {
        if (row < 0 || row >= w.rows()) {
            throw new IndexOutOfBoundsException("row " + row + " of " + w);
        }
        checkWholeBlocks(w);
        long start = row * w.rowBytes();
        ByteBuffer b = w.data();
        int cols = w.cols();
        GgmlType type = w.type();
        int blocks = cols / type.blockSize;
        for (int i = 0; i < blocks; i++) {
            long off = start + (long) i * type.bytesPerBlock;
            block(type, b, Math.toIntExact(off), dst, dstOff + i * type.blockSize);
        }
    }

    /** The value at ({@code row}, {@code col}) of {@code w}. Decodes the enclosing block, so it is slow. */
    public static float value(WeightTensor w, int row, int col) {
        if (row < 0 || row >= w.rows() || col < 0 || col >= w.cols()) {
            throw new IndexOutOfBoundsException("(" + row + ", " + col + ") of " + w);
        }
        checkWholeBlocks(w);
        GgmlType type = w.type();
        int block = col / type.blockSize;
        long off = row * w.rowBytes() + (long) block * type.bytesPerBlock;
        float[] decoded = new float[type.blockSize];
        block(type, w.data(), Math.toIntExact(off), decoded, 0);
        return decoded[col % type.blockSize];
    }

    /** GGML rows are whole blocks; a tensor whose rows are not cannot be decoded row by row. */
    static void checkWholeBlocks(WeightTensor w) {
        if (w.cols() % w.type().blockSize != 0) {
            throw new IllegalArgumentException(w + ": " + w.cols() + " columns is not a whole number of "
                    + w.type() + " blocks of " + w.type().blockSize);
        }
    }

    /** Decodes one block of {@code type} starting at byte {@code off} of {@code b}. */
    static void block(GgmlType type, ByteBuffer b, int off, float[] y, int yOff) {
        switch (type) {
            case F32 -> y[yOff] = b.getFloat(off);
            case F16 -> y[yOff] = Float16.toFloat(b.getShort(off));
            case BF16 -> y[yOff] = Float.intBitsToFloat(b.getShort(off) << 16);
            case Q8_0 -> q8_0(b, off, y, yOff);
            case Q4_0 -> q4_0(b, off, y, yOff);
            case Q4_1 -> q4_1(b, off, y, yOff);
            case Q4_K -> q4_K(b, off, y, yOff);
            case Q6_K -> q6_K(b, off, y, yOff);
        }
    }

    static void q8_0(ByteBuffer b, int off, float[] y, int yOff) {
        float d = Float16.toFloat(b.getShort(off));
        for (int j = 0; j < 32; j++) {
            y[yOff + j] = b.get(off + 2 + j) * d;
        }
    }

    static void q4_0(ByteBuffer b, int off, float[] y, int yOff) {
        float d = Float16.toFloat(b.getShort(off));
        for (int j = 0; j < 16; j++) {
            int q = b.get(off + 2 + j) & 0xFF;
            y[yOff + j] = ((q & 0x0F) - 8) * d;
            y[yOff + j + 16] = ((q >>> 4) - 8) * d;
        }
    }

    static void q4_1(ByteBuffer b, int off, float[] y, int yOff) {
        float d = Float16.toFloat(b.getShort(off));
        float m = Float16.toFloat(b.getShort(off + 2));
        for (int j = 0; j < 16; j++) {
            int q = b.get(off + 4 + j) & 0xFF;
            y[yOff + j] = (q & 0x0F) * d + m;
            y[yOff + j + 16] = (q >>> 4) * d + m;
        }
    }

    /** Q4_K: four 64-weight chunks; each uses two 6-bit (scale, min) pairs, low nibbles then high nibbles. */
    static void q4_K(ByteBuffer b, int off, float[] y, int yOff) {
        float d = Float16.toFloat(b.getShort(off));
        float dmin = Float16.toFloat(b.getShort(off + 2));
        int scales = off + 4;
        int qs = off + 16;
        for (int chunk = 0; chunk < 4; chunk++) {
            int is = 2 * chunk;
            float d1 = d * scaleK4(b, scales, is);
            float m1 = dmin * minK4(b, scales, is);
            float d2 = d * scaleK4(b, scales, is + 1);
            float m2 = dmin * minK4(b, scales, is + 1);
            int q = qs + 32 * chunk;
            int out = yOff + 64 * chunk;
            for (int l = 0; l < 32; l++) {
                int v = b.get(q + l) & 0xFF;
                y[out + l] = d1 * (v & 0x0F) - m1;
                y[out + 32 + l] = d2 * (v >>> 4) - m2;
            }
        }
    }

    /**
     * The 6-bit scale of Q4_K sub-block j (ggml's get_scale_min_k4): sub-blocks 0..3 keep theirs in
     * the low 6 bits of bytes 0..3; 4..7 split it between the low nibble of bytes 8..11 and the top
     * two bits of bytes 0..3.
     */
    static int scaleK4(ByteBuffer b, int scales, int j) {
        if (j < 4) return b.get(scales + j) & 63;
        return (b.get(scales + j + 4) & 0x0F) | (((b.get(scales + j - 4) & 0xFF) >>> 6) << 4);
    }

    /** The 6-bit min of Q4_K sub-block j: bytes 4..7 low bits, or high nibble of 8..11 plus top bits of 4..7. */
    static int minK4(ByteBuffer b, int scales, int j) {
        if (j < 4) return b.get(scales + j + 4) & 63;
        return ((b.get(scales + j + 4) & 0xFF) >>> 4) | (((b.get(scales + j) & 0xFF) >>> 6) << 4);
    }

    /**
     * Q6_K: two 128-weight halves. In each, ql holds 64 bytes of low nibbles and qh 32 bytes of
     * 2-bit high parts; weight l (and l+32, l+64, l+96) combine them, minus 32, times d * scale.
     */
    static void q6_K(ByteBuffer b, int off, float[] y, int yOff) {
        float d = Float16.toFloat(b.getShort(off + 208));
        for (int half = 0; half < 2; half++) {
            int ql = off + 64 * half;
            int qh = off + 128 + 32 * half;
            int sc = off + 192 + 8 * half;
            int out = yOff + 128 * half;
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int low0 = b.get(ql + l) & 0xFF;
                int low32 = b.get(ql + l + 32) & 0xFF;
                int high = b.get(qh + l) & 0xFF;
                int q1 = ((low0 & 0x0F) | ((high & 3) << 4)) - 32;
                int q2 = ((low32 & 0x0F) | (((high >>> 2) & 3) << 4)) - 32;
                int q3 = ((low0 >>> 4) | (((high >>> 4) & 3) << 4)) - 32;
                int q4 = ((low32 >>> 4) | (((high >>> 6) & 3) << 4)) - 32;
                y[out + l] = d * b.get(sc + is) * q1;
                y[out + l + 32] = d * b.get(sc + is + 2) * q2;
                y[out + l + 64] = d * b.get(sc + is + 4) * q3;
                y[out + l + 96] = d * b.get(sc + is + 6) * q4;
            }
        }
    }
}
