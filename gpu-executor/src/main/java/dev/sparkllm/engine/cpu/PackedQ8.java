package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.WeightTensor;

import java.nio.ByteBuffer;

/**
 * An 8-bit weight matrix repacked on the heap: weight = scale * q with q a signed byte, one float
 * scale per group of {@code groupSize} consecutive weights of a row. Q8_0 maps onto it with
 * groups of 32 (scale d); Q6_K with groups of 16 (scale d * sc, q = 6-bit value - 32), so its
 * sub-block scales stay exact. Quants are contiguous, row after row, 32-byte aligned per block of
 * 32 weights, which is what the kernels load (see {@link PackedQ4} for why this beats reading the
 * mapped GGUF bytes).
 */
final class PackedQ8 implements QuantizedMatrix {
    static final int BLOCK = 32;

    final int rows;
    final int cols;
    /** Weights sharing one scale: 32 (Q8_0) or 16 (Q6_K). */
    final int groupSize;
    /** One signed byte per weight, row-major. */
    final byte[] quants;
    /** One scale per group, row-major. */
    final float[] scales;

    private PackedQ8(int rows, int cols, int groupSize) {
        this.rows = rows;
        this.cols = cols;
        this.groupSize = groupSize;
        this.quants = new byte[Math.multiplyExact(rows, cols)];
        this.scales = new float[Math.multiplyExact(rows, cols / groupSize)];
    }

    static PackedQ8 pack(WeightTensor w) {
        ByteBuffer src = w.data();
        switch (w.type()) {
            case Q8_0 -> {
                PackedQ8 p = new PackedQ8(w.rows(), w.cols(), 32);
                for (int i = 0; i < p.scales.length; i++) {
                    int off = i * 34;
                    p.scales[i] = Float16.toFloat(src.getShort(off));
                    src.get(off + 2, p.quants, i * 32, 32);
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

    /** Unpacks each Q6_K super-block's 6-bit quants (minus 32) to bytes; group g's scale is d * scales[g]. */
    private static void packQ6K(ByteBuffer src, PackedQ8 p) {
        int superBlocks = p.quants.length / 256;
        for (int s = 0; s < superBlocks; s++) {
            int off = s * 210;
            float d = Float16.toFloat(src.getShort(off + 208));
            for (int g = 0; g < 16; g++) {
                p.scales[s * 16 + g] = d * src.get(off + 192 + g);
            }
            int dst = s * 256;
            for (int half = 0; half < 2; half++) {
                int ql = off + 64 * half;
                int qh = off + 128 + 32 * half;
                int out = dst + 128 * half;
                for (int l = 0; l < 32; l++) {
                    int low0 = src.get(ql + l) & 0xFF;
                    int low32 = src.get(ql + l + 32) & 0xFF;
                    int high = src.get(qh + l) & 0xFF;
                    p.quants[out + l] = (byte) (((low0 & 0x0F) | ((high & 3) << 4)) - 32);
                    p.quants[out + l + 32] = (byte) (((low32 & 0x0F) | (((high >>> 2) & 3) << 4)) - 32);
                    p.quants[out + l + 64] = (byte) (((low0 >>> 4) | (((high >>> 4) & 3) << 4)) - 32);
                    p.quants[out + l + 96] = (byte) (((low32 >>> 4) | (((high >>> 6) & 3) << 4)) - 32);
                }
            }
        }
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }

    @Override
    public void matvec(Q8Activations x, int token, float[] out, int outOff, int rowFrom, int rowTo) {
        Q8Kernels.matvec(this, x, token, out, outOff, rowFrom, rowTo);
    }

    @Override
    public void dequantizeRows(int row, int count, float[] dst) {
        Q8Kernels.dequantizeRows(this, row, count, dst);
    }

    long bytes() {
        return quants.length + 4L * scales.length;
    }
}
