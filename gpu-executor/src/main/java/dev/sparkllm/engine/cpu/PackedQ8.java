package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.WeightTensor;

import java.nio.ByteBuffer;

/**
 * An 8-bit weight matrix repacked on the heap for {@link Q8Kernels}: weight = scale * q with q a
 * signed byte, one float scale per {@code groupSize} consecutive weights of a row. Q8_0 maps onto
 * it with groups of 32 (scale d); Q6_K with groups of 16 (scale d * sc, q = 6-bit value - 32), so
 * its sub-block scales stay exact.
 *
 * <p>Layout ({@link QuantizedMatrix}): rows in groups of 8; column k of group g is the 8 bytes at
 * {@code (g * cols + k) * 8} (byte j: row j), and the scales of column group s of row group g the 8
 * floats at {@code (g * cols / groupSize + s) * 8}. One 8-byte load widened to floats is one
 * column of eight rows.
 */
final class PackedQ8 implements QuantizedMatrix, TileKernels {
    final int rows;
    final int cols;
    /** Weights sharing one scale: 32 (Q8_0) or 16 (Q6_K). */
    final int groupSize;
    final byte[] quants;
    final float[] scales;

    private PackedQ8(int rows, int cols, int groupSize) {
        this.rows = rows;
        this.cols = cols;
        this.groupSize = groupSize;
        this.quants = new byte[Math.multiplyExact(Math.multiplyExact(groups(), cols), GROUP_ROWS)];
        this.scales = new float[Math.multiplyExact(Math.multiplyExact(groups(), cols / groupSize), GROUP_ROWS)];
    }

    static PackedQ8 pack(WeightTensor w) {
        ByteBuffer src = w.data();
        switch (w.type()) {
            case Q8_0 -> {
                PackedQ8 p = new PackedQ8(w.rows(), w.cols(), 32);
                int perRow = p.cols / 32;
                for (int r = 0; r < p.rows; r++) {
                    for (int s = 0; s < perRow; s++) {
                        int off = (r * perRow + s) * 34;
                        p.putScale(r, s, Float16.toFloat(src.getShort(off)));
                        for (int j = 0; j < 32; j++) p.putQuant(r, s * 32 + j, src.get(off + 2 + j));
                    }
                }
                return p;
            }
            case Q6_K -> {
                PackedQ8 p = new PackedQ8(w.rows(), w.cols(), 16);
                packQ6K(src, p);
                return p;
            }
            default -> throw new IllegalArgumentException("not an 8-bit packable type: " + w);
        }
    }

    private void putScale(int r, int s, float scale) {
        scales[((r / GROUP_ROWS) * (cols / groupSize) + s) * GROUP_ROWS + r % GROUP_ROWS] = scale;
    }

    private void putQuant(int r, int k, byte q) {
        quants[((r / GROUP_ROWS) * cols + k) * GROUP_ROWS + r % GROUP_ROWS] = q;
    }

    /** Unpacks each Q6_K super-block's 6-bit quants (minus 32) to bytes; group s's scale is d * scales[s]. */
    private static void packQ6K(ByteBuffer src, PackedQ8 p) {
        int perRow = p.cols / 256;
        for (int r = 0; r < p.rows; r++) {
            for (int sb = 0; sb < perRow; sb++) {
                int off = (r * perRow + sb) * 210;
                float d = Float16.toFloat(src.getShort(off + 208));
                for (int s = 0; s < 16; s++) p.putScale(r, sb * 16 + s, d * src.get(off + 192 + s));
                int k0 = sb * 256;
                for (int half = 0; half < 2; half++) {
                    int ql = off + 64 * half;
                    int qh = off + 128 + 32 * half;
                    int k = k0 + 128 * half;
                    for (int l = 0; l < 32; l++) {
                        int low0 = src.get(ql + l) & 0xFF;
                        int low32 = src.get(ql + l + 32) & 0xFF;
                        int high = src.get(qh + l) & 0xFF;
                        p.putQuant(r, k + l, (byte) (((low0 & 0x0F) | ((high & 3) << 4)) - 32));
                        p.putQuant(r, k + l + 32, (byte) (((low32 & 0x0F) | (((high >>> 2) & 3) << 4)) - 32));
                        p.putQuant(r, k + l + 64, (byte) (((low0 >>> 4) | (((high >>> 4) & 3) << 4)) - 32));
                        p.putQuant(r, k + l + 96, (byte) (((low32 >>> 4) | (((high >>> 6) & 3) << 4)) - 32));
                    }
                }
            }
        }
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }

    @Override
    public void multiply(TileInput in, int tokenFrom, int tokenTo, int groupFrom, int groupTo, float[] out, int outOff) {
        TileKernels.cover(this, in, tokenFrom, tokenTo, groupFrom, groupTo, out, outOff);
    }

    @Override
    public boolean needsBlockSums() {
        return false;
    }

    /** Per scale group: the quants' FMA chain over the group's columns, then scale * chain + total. */
    @Override
    public float referenceDot(int r, float[] x, int xOff) {
        int g = r / GROUP_ROWS, lane = r % GROUP_ROWS;
        float total = 0f;
        for (int s = 0; s < cols / groupSize; s++) {
            float chain = 0f;
            for (int k = s * groupSize; k < (s + 1) * groupSize; k++) {
                chain = Math.fma((float) quants[(g * cols + k) * GROUP_ROWS + lane], x[xOff + k], chain);
            }
            total = Math.fma(scales[(g * (cols / groupSize) + s) * GROUP_ROWS + lane], chain, total);
        }
        return total;
    }

    @Override
    public void decodeRow(int r, float[] dst, int dstOff) {
        int g = r / GROUP_ROWS, lane = r % GROUP_ROWS;
        for (int k = 0; k < cols; k++) {
            float scale = scales[(g * (cols / groupSize) + k / groupSize) * GROUP_ROWS + lane];
            dst[dstOff + k] = quants[(g * cols + k) * GROUP_ROWS + lane] * scale;
        }
    }

    @Override public void tokens4(TileInput in, int t, int g, float[] out, int o0) { Q8Kernels.tokens4(this, in, t, g, out, o0); }
    @Override public void groups3(TileInput in, int t, int g, float[] out, int o0) { Q8Kernels.groups3(this, in, t, g, out, o0); }
    @Override public void single(TileInput in, int t, int g, float[] out, int o0) { Q8Kernels.single(this, in, t, g, out, o0); }

    long bytes() {
        return quants.length + 4L * scales.length;
    }
}
