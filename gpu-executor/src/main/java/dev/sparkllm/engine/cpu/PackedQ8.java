package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.WeightTensor;

import java.nio.ByteBuffer;

/**
 * An 8-bit weight matrix repacked on the heap for {@link Q8Kernels}: weight = scale * q with q a
 * signed byte, one float scale per {@code groupSize} consecutive weights of a row; for the types
 * with a min term, weight = scale * q + min with one float min per group as well, served by
 * {@link Q8MinKernels}.
 *
 * <p>How each type maps onto it (scale and min are the float products ggml's dequantize_row_*
 * computes, in the same order, so they are bit-identical to {@link Dequantize}'s):
 * <pre>
 *   Q8_0    groups of 32   q                      scale d
 *   Q5_0    groups of 32   q5 - 16                scale d
 *   IQ4_NL  groups of 32   KVALUES_IQ4[nibble]    scale d
 *   IQ4_XS  groups of 32   KVALUES_IQ4[nibble]    scale d * (6-bit scale - 32)
 *   Q3_K    groups of 16   q3 - (0 or 4)          scale d * (6-bit scale - 32)
 *   Q6_K    groups of 16   q6 - 32                scale d * scales[s]
 *   Q5_1    groups of 32   q5                     scale d,              min m
 *   Q5_K    groups of 32   q5                     scale d * sc,         min -(dmin * m)
 *   Q2_K    groups of 16   q2                     scale d * (sc &amp; 15),  min -(dmin * (sc &gt;&gt; 4))
 * </pre>
 * Without a min, scale * q is exactly Dequantize's value (the same single product). With one, the
 * kernels decode with one fused multiply-add where ggml rounds the product and then the sum, so a
 * weight may differ from Dequantize's in the last bit of the product (as {@link PackedQ4} does).
 *
 * <p>Layout ({@link QuantizedMatrix}): rows in groups of 8; column k of group g is the 8 bytes at
 * {@code (g * cols + k) * 8} (byte j: row j), and the scales (and mins) of column group s of row
 * group g the 8 floats at {@code (g * cols / groupSize + s) * 8}. One 8-byte load widened to floats
 * is one column of eight rows.
 */
final class PackedQ8 implements QuantizedMatrix, TileKernels {
    final int rows;
    final int cols;
    /** Weights sharing one scale: 32 or 16 (the K-quants with 16-weight sub-blocks). */
    final int groupSize;
    final byte[] quants;
    final float[] scales;
    /** The per-group min term, or null for the types without one. */
    final float[] mins;

    private PackedQ8(int rows, int cols, int groupSize, boolean hasMin) {
        this.rows = rows;
        this.cols = cols;
        this.groupSize = groupSize;
        this.quants = new byte[Math.multiplyExact(Math.multiplyExact(groups(), cols), GROUP_ROWS)];
        this.scales = new float[Math.multiplyExact(Math.multiplyExact(groups(), cols / groupSize), GROUP_ROWS)];
        this.mins = hasMin ? new float[scales.length] : null;
    }

    static PackedQ8 pack(WeightTensor w) {
        boolean hasMin = switch (w.type()) {
            case Q5_1, Q5_K, Q2_K -> true;
            default -> false;
        };
        int groupSize = switch (w.type()) {
            case Q6_K, Q3_K, Q2_K -> 16;
            default -> 32;
        };
        PackedQ8 p = new PackedQ8(w.rows(), w.cols(), groupSize, hasMin);
        ByteBuffer src = w.data();
        int perRow = p.cols / w.type().blockSize;
        for (int r = 0; r < p.rows; r++) {
            for (int i = 0; i < perRow; i++) {
                int off = (r * perRow + i) * w.type().bytesPerBlock;
                int k = i * w.type().blockSize;
                switch (w.type()) {
                    case Q8_0 -> p.putQ8_0(src, off, r, k);
                    case Q5_0 -> p.putQ5_0(src, off, r, k);
                    case Q5_1 -> p.putQ5_1(src, off, r, k);
                    case IQ4_NL -> p.putIq4Nl(src, off, r, k);
                    case Q2_K -> p.putQ2K(src, off, r, k);
                    case Q3_K -> p.putQ3K(src, off, r, k);
                    case Q5_K -> p.putQ5K(src, off, r, k);
                    case Q6_K -> p.putQ6K(src, off, r, k);
                    case IQ4_XS -> p.putIq4Xs(src, off, r, k);
                    default -> throw new IllegalArgumentException("not an 8-bit packable type: " + w);
                }
            }
        }
        return p;
    }

    /** Index of the scale (and min) of row r's weight k. */
    private int scaleIndex(int r, int k) {
        return ((r / GROUP_ROWS) * (cols / groupSize) + k / groupSize) * GROUP_ROWS + r % GROUP_ROWS;
    }

    /** Sets the scale of the group holding row r's weight k. */
    private void putScale(int r, int k, float scale) {
        scales[scaleIndex(r, k)] = scale;
    }

    private void putMin(int r, int k, float min) {
        mins[scaleIndex(r, k)] = min;
    }

    private void putQuant(int r, int k, int q) {
        quants[((r / GROUP_ROWS) * cols + k) * GROUP_ROWS + r % GROUP_ROWS] = (byte) q;
    }

    private void putQ8_0(ByteBuffer src, int off, int r, int k) {
        putScale(r, k, Float16.toFloat(src.getShort(off)));
        for (int j = 0; j < 32; j++) putQuant(r, k + j, src.get(off + 2 + j));
    }

    private void putQ5_0(ByteBuffer src, int off, int r, int k) {
        putScale(r, k, Float16.toFloat(src.getShort(off)));
        int qh = src.getInt(off + 2);
        for (int j = 0; j < 32; j++) putQuant(r, k + j, Dequantize.q5(qh, src, off + 6, j) - 16);
    }

    private void putQ5_1(ByteBuffer src, int off, int r, int k) {
        putScale(r, k, Float16.toFloat(src.getShort(off)));
        putMin(r, k, Float16.toFloat(src.getShort(off + 2)));
        int qh = src.getInt(off + 4);
        for (int j = 0; j < 32; j++) putQuant(r, k + j, Dequantize.q5(qh, src, off + 8, j));
    }

    private void putIq4Nl(ByteBuffer src, int off, int r, int k) {
        putScale(r, k, Float16.toFloat(src.getShort(off)));
        for (int j = 0; j < 16; j++) {
            int v = src.get(off + 2 + j) & 0xFF;
            putQuant(r, k + j, Dequantize.KVALUES_IQ4[v & 0x0F]);
            putQuant(r, k + j + 16, Dequantize.KVALUES_IQ4[v >>> 4]);
        }
    }

    /** A Q2_K super-block: sixteen groups of 16, scale d * (sc &amp; 15) and min -(dmin * (sc &gt;&gt; 4)). */
    private void putQ2K(ByteBuffer src, int off, int r, int k) {
        float d = Float16.toFloat(src.getShort(off + 80));
        float dmin = Float16.toFloat(src.getShort(off + 82));
        for (int s = 0; s < 16; s++) {
            int sc = src.get(off + s) & 0xFF;
            putScale(r, k + 16 * s, d * (sc & 0x0F));
            putMin(r, k + 16 * s, -(dmin * (sc >>> 4)));
        }
        for (int i = 0; i < 256; i++) putQuant(r, k + i, Dequantize.q2(src, off + 16, i));
    }

    private void putQ3K(ByteBuffer src, int off, int r, int k) {
        float d = Float16.toFloat(src.getShort(off + 108));
        for (int s = 0; s < 16; s++) putScale(r, k + 16 * s, d * (Dequantize.scaleK3(src, off + 96, s) - 32));
        for (int i = 0; i < 256; i++) putQuant(r, k + i, Dequantize.q3(src, off, i));
    }

    private void putQ5K(ByteBuffer src, int off, int r, int k) {
        float d = Float16.toFloat(src.getShort(off));
        float dmin = Float16.toFloat(src.getShort(off + 2));
        for (int s = 0; s < 8; s++) {
            putScale(r, k + 32 * s, d * Dequantize.scaleK4(src, off + 4, s));
            putMin(r, k + 32 * s, -(dmin * Dequantize.minK4(src, off + 4, s)));
        }
        for (int i = 0; i < 256; i++) putQuant(r, k + i, Dequantize.q5K(src, off, i));
    }

    /** Unpacks a Q6_K super-block's 6-bit quants (minus 32) to bytes; group s's scale is d * scales[s]. */
    private void putQ6K(ByteBuffer src, int off, int r, int k0) {
        float d = Float16.toFloat(src.getShort(off + 208));
        for (int s = 0; s < 16; s++) putScale(r, k0 + 16 * s, d * src.get(off + 192 + s));
        for (int half = 0; half < 2; half++) {
            int ql = off + 64 * half;
            int qh = off + 128 + 32 * half;
            int k = k0 + 128 * half;
            for (int l = 0; l < 32; l++) {
                int low0 = src.get(ql + l) & 0xFF;
                int low32 = src.get(ql + l + 32) & 0xFF;
                int high = src.get(qh + l) & 0xFF;
                putQuant(r, k + l, ((low0 & 0x0F) | ((high & 3) << 4)) - 32);
                putQuant(r, k + l + 32, ((low32 & 0x0F) | (((high >>> 2) & 3) << 4)) - 32);
                putQuant(r, k + l + 64, ((low0 >>> 4) | (((high >>> 4) & 3) << 4)) - 32);
                putQuant(r, k + l + 96, ((low32 >>> 4) | (((high >>> 6) & 3) << 4)) - 32);
            }
        }
    }

    private void putIq4Xs(ByteBuffer src, int off, int r, int k) {
        float d = Float16.toFloat(src.getShort(off));
        for (int s = 0; s < 8; s++) {
            putScale(r, k + 32 * s, d * (Dequantize.scaleIq4xs(src, off, s) - 32));
            for (int j = 0; j < 16; j++) {
                int v = src.get(off + 8 + 16 * s + j) & 0xFF;
                putQuant(r, k + 32 * s + j, Dequantize.KVALUES_IQ4[v & 0x0F]);
                putQuant(r, k + 32 * s + j + 16, Dequantize.KVALUES_IQ4[v >>> 4]);
            }
        }
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }

    @Override
    public void multiply(float[] x, int xOff, int tokenFrom, int tokenTo, int groupFrom, int groupTo, float[] out, int outOff) {
        TileKernels.cover(this, x, xOff, tokenFrom, tokenTo, groupFrom, groupTo, out, outOff);
    }

    @Override
    public void decodeRow(int r, float[] dst, int dstOff) {
        int g = r / GROUP_ROWS, lane = r % GROUP_ROWS;
        for (int k = 0; k < cols; k++) {
            int si = scaleIndex(r, k);
            float q = quants[(g * cols + k) * GROUP_ROWS + lane];
            dst[dstOff + k] = mins == null ? q * scales[si] : Math.fma(q, scales[si], mins[si]);
        }
    }

    // Two kernel classes rather than one with a zero min, so Q8_0 and Q6_K keep their multiply and
    // do not read a min array of zeros.
    @Override
    public void tokens8(float[] x, int x0, int g, float[] out, int o0) {
        if (mins == null) Q8Kernels.tokens8(this, x, x0, g, out, o0);
        else Q8MinKernels.tokens8(this, x, x0, g, out, o0);
    }

    @Override
    public void tokens4(float[] x, int x0, int g, float[] out, int o0) {
        if (mins == null) Q8Kernels.tokens4(this, x, x0, g, out, o0);
        else Q8MinKernels.tokens4(this, x, x0, g, out, o0);
    }

    @Override
    public void groups3(float[] x, int x0, int g, float[] out, int o0) {
        if (mins == null) Q8Kernels.groups3(this, x, x0, g, out, o0);
        else Q8MinKernels.groups3(this, x, x0, g, out, o0);
    }

    @Override
    public void single(float[] x, int x0, int g, float[] out, int o0) {
        if (mins == null) Q8Kernels.single(this, x, x0, g, out, o0);
        else Q8MinKernels.single(this, x, x0, g, out, o0);
    }

    long bytes() {
        return quants.length + 4L * scales.length + (mins == null ? 0 : 4L * mins.length);
    }
}
