package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.WeightTensor;

import java.nio.ByteBuffer;

/**
 * A 4-bit weight matrix repacked on the heap for the kernels: every 32 weights are 16 bytes of
 * nibbles plus a float scale and a float min, so weight = scale * q + min with q in 0..15.
 * Nibble order is Q4_1's: byte j of a block holds weight j (low nibble) and weight j + 16 (high).
 *
 * <p>Q4_1 maps onto it directly (scale d, min m), Q4_0 with min = -8 d, and each 32-weight
 * sub-block of Q4_K with scale d * sc and min -dmin * m (ggml's own float products), so one
 * kernel serves all three. Blocks are contiguous, row after row: block b of row r is r * blocksPerRow + b.
 *
 * <p>Why repack instead of reading the mapped GGUF bytes: on the 2-core EPYC dev box (Java 17,
 * one thread, all 30 layers of SmolLM2-135M's Q4_1 matrices, 63 MiB, best of 60 passes):
 * <ul>
 *   <li>reading the mapped buffer with ByteVector.fromByteBuffer, f16 scales via table: 16.5-17.5 ms</li>
 *   <li>copying each row into a reused byte[] first, then fromArray:                    17.5 ms</li>
 *   <li>a heap copy in GGUF's own 20-byte block layout:                                 19-21 ms</li>
 *   <li>this layout (16-byte aligned nibbles, float scales in their own arrays):       10.5-11.7 ms</li>
 *   <li>the same with f16 scales (short[] + table lookup), 20 bytes per block:        11.0-12.8 ms</li>
 * </ul>
 * Java 17's fromByteBuffer re-checks the buffer's fields on every load and its code does not
 * hoist them; the aligned array layout lets C2 drop all bounds checks from the loop. Float
 * scales cost 4 more bytes per block than f16 ones but save a table lookup, and measured faster.
 * The price is memory: 24 bytes per 32 weights (Q4_1 20, Q4_0 18, Q4_K 18), held on the heap
 * while the mapped file's pages are no longer touched.
 */
final class PackedQ4 implements QuantizedMatrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 16;

    final int rows;
    final int cols;
    final int blocksPerRow;
    /** 16 bytes of nibbles per block. */
    final byte[] quants;
    /** Per block: the multiplier of q. */
    final float[] scales;
    /** Per block: the offset added to every weight of the block. */
    final float[] mins;

    private PackedQ4(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.blocksPerRow = cols / BLOCK;
        int blocks = Math.multiplyExact(rows, blocksPerRow);
        this.quants = new byte[Math.multiplyExact(blocks, BLOCK_BYTES)];
        this.scales = new float[blocks];
        this.mins = new float[blocks];
    }

    static PackedQ4 pack(WeightTensor w) {
        PackedQ4 p = new PackedQ4(w.rows(), w.cols());
        ByteBuffer src = w.data();
        int blocks = p.scales.length;
        switch (w.type()) {
            case Q4_1 -> {
                for (int i = 0; i < blocks; i++) {
                    int off = i * 20;
                    p.scales[i] = Float16.toFloat(src.getShort(off));
                    p.mins[i] = Float16.toFloat(src.getShort(off + 2));
                    src.get(off + 4, p.quants, i * BLOCK_BYTES, BLOCK_BYTES);
                }
            }
            case Q4_0 -> {
                for (int i = 0; i < blocks; i++) {
                    int off = i * 18;
                    float d = Float16.toFloat(src.getShort(off));
                    p.scales[i] = d;
                    p.mins[i] = -8 * d;                 // (q - 8) * d = d * q + (-8 d), exact
                    src.get(off + 2, p.quants, i * BLOCK_BYTES, BLOCK_BYTES);
                }
            }
            case Q4_K -> packQ4K(src, p);
            default -> throw new IllegalArgumentException("not a 4-bit type: " + w);
        }
        return p;
    }

    /**
     * A Q4_K super-block (256 weights) becomes 8 blocks. In Q4_K, chunk c (64 weights) stores
     * sub-block 2c in the low nibbles of its 32 bytes and sub-block 2c+1 in the high nibbles; here
     * each sub-block gets Q4_1's order (weights j and j+16 share byte j).
     */
    private static void packQ4K(ByteBuffer src, PackedQ4 p) {
        int superBlocks = p.scales.length / 8;
        for (int s = 0; s < superBlocks; s++) {
            int off = s * 144;
            float d = Float16.toFloat(src.getShort(off));
            float dmin = Float16.toFloat(src.getShort(off + 2));
            int scales = off + 4;
            for (int sub = 0; sub < 8; sub++) {
                int block = s * 8 + sub;
                p.scales[block] = d * Dequantize.scaleK4(src, scales, sub);
                p.mins[block] = -(dmin * Dequantize.minK4(src, scales, sub));
                int qs = off + 16 + 32 * (sub / 2);
                int shift = (sub % 2) * 4;
                int dst = block * BLOCK_BYTES;
                for (int j = 0; j < 16; j++) {
                    int lo = ((src.get(qs + j) & 0xFF) >>> shift) & 0x0F;
                    int hi = ((src.get(qs + j + 16) & 0xFF) >>> shift) & 0x0F;
                    p.quants[dst + j] = (byte) (lo | (hi << 4));
                }
            }
        }
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }

    @Override
    public void matvec(Q8Activations x, int token, float[] out, int outOff, int rowFrom, int rowTo) {
        Q4Kernels.matvec(this, x, token, out, outOff, rowFrom, rowTo);
    }

    @Override
    public void matvec2(Q8Activations x, int tokenA, int tokenB, float[] out, int outOffA, int outOffB,
                        int rowFrom, int rowTo) {
        Q4Kernels.matvec2(this, x, tokenA, tokenB, out, outOffA, outOffB, rowFrom, rowTo);
    }

    @Override
    public void dequantizeRows(int row, int count, float[] dst) {
        Q4Kernels.dequantizeRows(this, row, count, dst);
    }

    /** Heap bytes held. */
    long bytes() {
        return quants.length + 4L * scales.length + 4L * mins.length;
    }
}
