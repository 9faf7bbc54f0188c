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
 *   Q5_0  (22 B / 32):  f16 d, u32 qh, u8 qs[16]                 q[j] = (qs[j] &amp; 15) | bit j of qh &lt;&lt; 4; x = d * (q - 16)
 *   Q5_1  (24 B / 32):  f16 d, f16 m, u32 qh, u8 qs[16]          as Q5_0 without the - 16, x = d * q + m
 *   IQ4_NL (18 B / 32): f16 d, u8 qs[16]                         nibbles as Q4_0, x = d * KVALUES[nibble]
 *   Q2_K  (84 B / 256): u8 scales[16], u8 qs[64], f16 d, f16 dmin; 16 sub-blocks of 16, 4-bit scale/min, 2-bit quants
 *   Q3_K (110 B / 256): u8 hmask[32], u8 qs[64], u8 scales[12], f16 d; 16 sub-blocks of 16, 6-bit scale - 32, 3-bit quants - 4
 *   Q4_K (144 B / 256): f16 d, f16 dmin, u8 scales[12], u8 qs[128]; 8 sub-blocks of 32 with 6-bit scale/min
 *   Q5_K (176 B / 256): f16 d, f16 dmin, u8 scales[12], u8 qh[32], u8 qs[128]; Q4_K plus a fifth bit per weight
 *   Q6_K (210 B / 256): u8 ql[128], u8 qh[64], int8 scales[16], f16 d; 16 sub-blocks of 16, 6-bit quants - 32
 *   IQ4_XS (136 B / 256): f16 d, u16 scales_h, u8 scales_l[4], u8 qs[128]; 8 sub-blocks of 32, 6-bit scale - 32, IQ4_NL nibbles
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
            case Q5_0 -> q5_0(b, off, y, yOff);
            case Q5_1 -> q5_1(b, off, y, yOff);
            case IQ4_NL -> iq4_nl(b, off, y, yOff);
            case Q2_K -> q2_K(b, off, y, yOff);
            case Q3_K -> q3_K(b, off, y, yOff);
            case Q4_K -> q4_K(b, off, y, yOff);
            case Q5_K -> q5_K(b, off, y, yOff);
            case Q6_K -> q6_K(b, off, y, yOff);
            case IQ4_XS -> iq4_xs(b, off, y, yOff);
        }
    }

    /** The 16 non-linear 4-bit levels of IQ4_NL and IQ4_XS (ggml's kvalues_iq4nl). */
    static final byte[] KVALUES_IQ4 = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

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

    /** The 5-bit quant j (0..31) of a Q5_0 or Q5_1 block: nibble as in Q4_0 from qs, fifth bit j of qh. */
    static int q5(int qh, ByteBuffer b, int qs, int j) {
        int v = b.get(qs + (j & 15)) & 0xFF;
        return (j < 16 ? v & 0x0F : v >>> 4) | (((qh >>> j) & 1) << 4);
    }

    static void q5_0(ByteBuffer b, int off, float[] y, int yOff) {
        float d = Float16.toFloat(b.getShort(off));
        int qh = b.getInt(off + 2);
        for (int j = 0; j < 32; j++) {
            y[yOff + j] = (q5(qh, b, off + 6, j) - 16) * d;
        }
    }

    static void q5_1(ByteBuffer b, int off, float[] y, int yOff) {
        float d = Float16.toFloat(b.getShort(off));
        float m = Float16.toFloat(b.getShort(off + 2));
        int qh = b.getInt(off + 4);
        for (int j = 0; j < 32; j++) {
            y[yOff + j] = q5(qh, b, off + 8, j) * d + m;
        }
    }

    static void iq4_nl(ByteBuffer b, int off, float[] y, int yOff) {
        float d = Float16.toFloat(b.getShort(off));
        for (int j = 0; j < 16; j++) {
            int q = b.get(off + 2 + j) & 0xFF;
            y[yOff + j] = d * KVALUES_IQ4[q & 0x0F];
            y[yOff + j + 16] = d * KVALUES_IQ4[q >>> 4];
        }
    }

    /**
     * The 2-bit quant of weight i (0..255) of a Q2_K or Q3_K super-block whose qs start at qs: each
     * 128-weight half has 32 bytes, and weight 32 * j + l of the half sits at bits 2j of byte l.
     */
    static int q2(ByteBuffer b, int qs, int i) {
        int half = i / 128, j = (i % 128) / 32, l = i % 32;
        return ((b.get(qs + 32 * half + l) & 0xFF) >>> (2 * j)) & 3;
    }

    /** Q2_K: sub-block s (16 weights) has scale d * (scales[s] &amp; 15) and min dmin * (scales[s] &gt;&gt; 4). */
    static void q2_K(ByteBuffer b, int off, float[] y, int yOff) {
        float d = Float16.toFloat(b.getShort(off + 80));
        float dmin = Float16.toFloat(b.getShort(off + 82));
        for (int s = 0; s < 16; s++) {
            int sc = b.get(off + s) & 0xFF;
            float dl = d * (sc & 0x0F);
            float ml = dmin * (sc >>> 4);
            for (int l = 0; l < 16; l++) {
                int i = 16 * s + l;
                y[yOff + i] = dl * q2(b, off + 16, i) - ml;
            }
        }
    }

    /**
     * The 6-bit scale (0..63, before the - 32) of Q3_K sub-block s: its low nibble is the low
     * (s &lt; 8) or high nibble of byte s % 8, its top two bits are bits 2 * (s / 4) of byte 8 + s % 4.
     */
    static int scaleK3(ByteBuffer b, int scales, int s) {
        int low = ((b.get(scales + s % 8) & 0xFF) >>> (s < 8 ? 0 : 4)) & 0x0F;
        int high = ((b.get(scales + 8 + s % 4) & 0xFF) >>> (2 * (s / 4))) & 3;
        return low | (high << 4);
    }

    /** The signed 3-bit quant (-4..3) of Q3_K weight i: the 2-bit part, minus 4 where hmask's bit is clear. */
    static int q3(ByteBuffer b, int off, int i) {
        int high = ((b.get(off + i % 32) & 0xFF) >>> (i / 32)) & 1;
        return q2(b, off + 32, i) - (high == 0 ? 4 : 0);
    }

    static void q3_K(ByteBuffer b, int off, float[] y, int yOff) {
        float d = Float16.toFloat(b.getShort(off + 108));
        for (int s = 0; s < 16; s++) {
            float dl = d * (scaleK3(b, off + 96, s) - 32);
            for (int l = 0; l < 16; l++) {
                int i = 16 * s + l;
                y[yOff + i] = dl * q3(b, off, i);
            }
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

    /** The 5-bit quant of Q5_K weight i: Q4_K's nibble (qs at off + 48) plus bit i / 32 of qh[i % 32] (at off + 16). */
    static int q5K(ByteBuffer b, int off, int i) {
        int sub = i / 32, l = i % 32;
        int low = ((b.get(off + 48 + 32 * (sub / 2) + l) & 0xFF) >>> (4 * (sub % 2))) & 0x0F;
        int high = ((b.get(off + 16 + l) & 0xFF) >>> sub) & 1;
        return low | (high << 4);
    }

    /** Q5_K: eight 32-weight sub-blocks, scale and min as in Q4_K. */
    static void q5_K(ByteBuffer b, int off, float[] y, int yOff) {
        float d = Float16.toFloat(b.getShort(off));
        float dmin = Float16.toFloat(b.getShort(off + 2));
        for (int sub = 0; sub < 8; sub++) {
            float dl = d * scaleK4(b, off + 4, sub);
            float ml = dmin * minK4(b, off + 4, sub);
            for (int l = 0; l < 32; l++) {
                int i = 32 * sub + l;
                y[yOff + i] = dl * q5K(b, off, i) - ml;
            }
        }
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

    /** The 6-bit scale (0..63, before the - 32) of IQ4_XS sub-block s: a nibble of scales_l, two bits of scales_h. */
    static int scaleIq4xs(ByteBuffer b, int off, int s) {
        int low = ((b.get(off + 4 + s / 2) & 0xFF) >>> (4 * (s % 2))) & 0x0F;
        int high = ((b.getShort(off + 2) & 0xFFFF) >>> (2 * s)) & 3;
        return low | (high << 4);
    }

    /** IQ4_XS: eight 32-weight sub-blocks, each an IQ4_NL block's nibbles (16 bytes) with scale d * (6-bit - 32). */
    static void iq4_xs(ByteBuffer b, int off, float[] y, int yOff) {
        float d = Float16.toFloat(b.getShort(off));
        for (int s = 0; s < 8; s++) {
            float dl = d * (scaleIq4xs(b, off, s) - 32);
            int qs = off + 8 + 16 * s;
            int out = yOff + 32 * s;
            for (int j = 0; j < 16; j++) {
                int q = b.get(qs + j) & 0xFF;
                y[out + j] = dl * KVALUES_IQ4[q & 0x0F];
                y[out + j + 16] = dl * KVALUES_IQ4[q >>> 4];
            }
        }
    }
}
