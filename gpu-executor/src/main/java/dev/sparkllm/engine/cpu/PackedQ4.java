package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.WeightTensor;

import java.nio.ByteBuffer;

/**
 * A 4-bit weight matrix repacked on the heap for {@link Q4Kernels}: weight = scale * q + min with
 * q in 0..15 and one scale and one min per 32 weights of a row.
 *
 * <p>Q4_1 maps onto it directly (scale d, min m), Q4_0 with min = -8 d, and each 32-weight
 * sub-block of Q4_K with scale d * sc and min -dmin * m (ggml's own float products), so one
 * kernel serves all three.
 *
 * <p>Layout ({@link QuantizedMatrix}): rows in groups of 8; for group g and block b (columns
 * 32b .. 32b + 31), {@code (g * blocksPerRow + b)} indexes 128 bytes of quants and 8 scales and 8
 * mins (one per row of the group). The 128 bytes are 16 column pairs of 8 bytes; byte j of pair p
 * holds row j's column 32b + 2p in its low nibble and column 32b + 2p + 1 in its high nibble. One
 * 8-byte load widened to eight int lanes thus gives two columns of eight rows: the low nibbles
 * and the high nibbles. Heap cost: 24 bytes per 32 weights (Q4_1's GGUF block is 20).
 */
final class PackedQ4 implements QuantizedMatrix, TileKernels {
    static final int BLOCK = 32;
    /** Bytes of quants per (group, block): 8 rows x 32 nibbles. */
    static final int GROUP_BLOCK_BYTES = GROUP_ROWS * BLOCK / 2;

    final int rows;
    final int cols;
    final int blocksPerRow;
    final byte[] quants;
    final float[] scales;
    final float[] mins;

    private PackedQ4(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.blocksPerRow = cols / BLOCK;
        int groupBlocks = Math.multiplyExact(groups(), blocksPerRow);
        this.quants = new byte[Math.multiplyExact(groupBlocks, GROUP_BLOCK_BYTES)];
        this.scales = new float[Math.multiplyExact(groupBlocks, GROUP_ROWS)];
        this.mins = new float[scales.length];
    }

    static PackedQ4 pack(WeightTensor w) {
        PackedQ4 p = new PackedQ4(w.rows(), w.cols());
        ByteBuffer src = w.data();
        int[] q = new int[BLOCK];
        float[] scaleMin = new float[2];
        for (int r = 0; r < p.rows; r++) {
            for (int b = 0; b < p.blocksPerRow; b++) {
                int block = r * p.blocksPerRow + b;
                switch (w.type()) {
                    case Q4_1 -> readQ4(src, block * 20L, true, q, scaleMin);
                    case Q4_0 -> readQ4(src, block * 18L, false, q, scaleMin);
                    case Q4_K -> readQ4K(src, block, q, scaleMin);
                    default -> throw new IllegalArgumentException("not a 4-bit type: " + w);
                }
                p.put(r, b, q, scaleMin[0], scaleMin[1]);
            }
        }
        return p;
    }

    /** Index of (group of row r, block b) in the scale and quant arrays. */
    private int groupBlock(int r, int b) {
        return (r / GROUP_ROWS) * blocksPerRow + b;
    }

    private void put(int r, int b, int[] q, float scale, float min) {
        int gb = groupBlock(r, b);
        int lane = r % GROUP_ROWS;
        scales[gb * GROUP_ROWS + lane] = scale;
        mins[gb * GROUP_ROWS + lane] = min;
        for (int pair = 0; pair < BLOCK / 2; pair++) {
            quants[gb * GROUP_BLOCK_BYTES + pair * GROUP_ROWS + lane] = (byte) (q[2 * pair] | (q[2 * pair + 1] << 4));
        }
    }

    /** A Q4_1 (d, m, 16 bytes) or Q4_0 (d, 16 bytes) block: byte j holds weights j (low) and j + 16 (high). */
    private static void readQ4(ByteBuffer src, long at, boolean hasMin, int[] q, float[] scaleMin) {
        int off = Math.toIntExact(at);
        float d = Float16.toFloat(src.getShort(off));
        scaleMin[0] = d;
        scaleMin[1] = hasMin ? Float16.toFloat(src.getShort(off + 2)) : -8 * d; // (q - 8) d = d q + (-8 d), exact
        int qs = off + (hasMin ? 4 : 2);
        for (int j = 0; j < 16; j++) {
            int v = src.get(qs + j) & 0xFF;
            q[j] = v & 0x0F;
            q[j + 16] = v >>> 4;
        }
    }

    /**
     * Sub-block {@code block % 8} of a Q4_K super-block (256 weights, 144 bytes): chunk c (64
     * weights) stores sub-block 2c in the low nibbles of its 32 bytes and 2c + 1 in the high ones.
     */
    private static void readQ4K(ByteBuffer src, int block, int[] q, float[] scaleMin) {
        int off = (block / 8) * 144;
        int sub = block % 8;
        float d = Float16.toFloat(src.getShort(off));
        float dmin = Float16.toFloat(src.getShort(off + 2));
        scaleMin[0] = d * Dequantize.scaleK4(src, off + 4, sub);
        scaleMin[1] = -(dmin * Dequantize.minK4(src, off + 4, sub));
        int qs = off + 16 + 32 * (sub / 2);
        int shift = (sub % 2) * 4;
        for (int j = 0; j < 32; j++) q[j] = ((src.get(qs + j) & 0xFF) >>> shift) & 0x0F;
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }

    @Override
    public void multiply(TileInput in, int tokenFrom, int tokenTo, int groupFrom, int groupTo, float[] out, int outOff) {
        TileKernels.cover(this, in, tokenFrom, tokenTo, groupFrom, groupTo, out, outOff);
    }

    @Override
    public int sumBlock() {
        return BLOCK;
    }

    /** Per block: the quants' FMA chain over the block's columns, then min * sum + (scale * chain + total). */
    @Override
    public float referenceDot(int r, float[] x, int xOff) {
        int lane = r % GROUP_ROWS;
        float total = 0f;
        for (int b = 0; b < blocksPerRow; b++) {
            int gb = groupBlock(r, b);
            float chain = 0f;
            for (int pair = 0; pair < BLOCK / 2; pair++) {
                int v = quants[gb * GROUP_BLOCK_BYTES + pair * GROUP_ROWS + lane] & 0xFF;
                int k = xOff + b * BLOCK + 2 * pair;
                chain = Math.fma((float) (v & 0x0F), x[k], chain);
                chain = Math.fma((float) (v >>> 4), x[k + 1], chain);
            }
            float sum = TileInput.blockSum(x, xOff + b * BLOCK, BLOCK);
            total = Math.fma(mins[gb * GROUP_ROWS + lane], sum, Math.fma(scales[gb * GROUP_ROWS + lane], chain, total));
        }
        return total;
    }

    @Override
    public void decodeRow(int r, float[] dst, int dstOff) {
        int lane = r % GROUP_ROWS;
        for (int b = 0; b < blocksPerRow; b++) {
            int gb = groupBlock(r, b);
            float d = scales[gb * GROUP_ROWS + lane], m = mins[gb * GROUP_ROWS + lane];
            for (int pair = 0; pair < BLOCK / 2; pair++) {
                int v = quants[gb * GROUP_BLOCK_BYTES + pair * GROUP_ROWS + lane] & 0xFF;
                dst[dstOff + b * BLOCK + 2 * pair] = Math.fma((float) (v & 0x0F), d, m);
                dst[dstOff + b * BLOCK + 2 * pair + 1] = Math.fma((float) (v >>> 4), d, m);
            }
        }
    }

    @Override public void tokens4(TileInput in, int t, int g, float[] out, int o0) { Q4Kernels.tokens4(this, in, t, g, out, o0); }
    @Override public void groups3(TileInput in, int t, int g, float[] out, int o0) { Q4Kernels.groups3(this, in, t, g, out, o0); }
    @Override public void single(TileInput in, int t, int g, float[] out, int o0) { Q4Kernels.single(this, in, t, g, out, o0); }

    /** Heap bytes held. */
    long bytes() {
        return quants.length + 4L * scales.length + 4L * mins.length;
    }
}
