package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.kv.BlockTable;

/**
 * The CPU's KV block pool memory, in half precision: per layer one array of keys and one of
 * values, {@code blocks * blockSize} positions of {@code kvDim} halves each (the bits of
 * {@link Float16#toPoolBits}, as llama.cpp's default f16 KV cache keeps them). Allocated once, at
 * the configured budget, so the pool's memory does not grow with the number of queued requests.
 *
 * <p>The two are laid out for the attention kernels' two products. A block's keys are stored
 * dimension by dimension, {@code [kvDim][blockSize]}, so one dimension of consecutive positions is
 * contiguous: the score kernel multiplies a query dimension by eight positions' keys at once and
 * needs no horizontal sum. Values stay position by position, {@code [slot][kvDim]}, as the weighted
 * sum of values runs along the head's dimensions. {@link #keyTile} and {@link #valueTile} decode a
 * chunk of a sequence's positions into float tiles that every query sharing them reuses.
 */
final class CpuKvStorage {
    final int kvDim;
    final int blockSize;
    private final short[][] keys;
    private final short[][] values;

    CpuKvStorage(int layers, int kvDim, int blocks, int blockSize) {
        long halves = (long) blocks * blockSize * kvDim;
        if (halves > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a KV pool of " + blocks + " blocks is too large for one array per layer");
        }
        this.kvDim = kvDim;
        this.blockSize = blockSize;
        this.keys = new short[layers][(int) halves];
        this.values = new short[layers][(int) halves];
    }

    static long bytesPerBlock(int layers, int kvDim, int blockSize) {
        return 2L * layers * blockSize * kvDim * Short.BYTES;
    }

    void store(int layer, int slot, float[] key, int keyOffset, float[] value, int valueOffset) {
        int keyAt = keyIndex(slot, 0);
        int valueAt = slot * kvDim;
        short[] k = keys[layer], v = values[layer];
        for (int i = 0; i < kvDim; i++) {
            k[keyAt + i * blockSize] = Float16.toPoolBits(key[keyOffset + i]);
            v[valueAt + i] = Float16.toPoolBits(value[valueOffset + i]);
        }
    }

    /** Dimension {@code i} of the key stored at {@code slot}, as the kernels read it. */
    float key(int layer, int slot, int i) {
        return Float16.poolBitsToFloat(keys[layer][keyIndex(slot, i)]);
    }

    /** Dimension {@code i} of the value stored at {@code slot}, as the kernels read it. */
    float value(int layer, int slot, int i) {
        return Float16.poolBitsToFloat(values[layer][slot * kvDim + i]);
    }

    private int keyIndex(int slot, int i) {
        int block = slot / blockSize, row = slot - block * blockSize;
        return block * blockSize * kvDim + i * blockSize + row;
    }

    /**
     * tile[d * stride + p - tileStart] = dimension {@code headOff + d} of the key at position p of
     * the table's sequence, for d below headDim and p in [from, to). One division per block the
     * positions touch, not per position.
     */
    void keyTile(int layer, BlockTable table, int from, int to, int headOff, int headDim,
                 float[] tile, int tileStart, int stride) {
        short[] k = keys[layer];
        for (int p = from; p < to; ) {
            int inBlock = p % blockSize;
            int run = Math.min(blockSize - inBlock, to - p);
            int base = table.block(p / blockSize) * blockSize * kvDim + headOff * blockSize + inBlock;
            for (int d = 0; d < headDim; d++) {
                Float16.toFloats(k, base + d * blockSize, tile, d * stride + p - tileStart, run);
            }
            p += run;
        }
    }

    /**
     * tile[(p - tileStart) * headDim + d] = dimension {@code headOff + d} of the value at position p
     * of the table's sequence, for d below headDim and p in [from, to).
     */
    void valueTile(int layer, BlockTable table, int from, int to, int headOff, int headDim,
                   float[] tile, int tileStart) {
        short[] v = values[layer];
        for (int p = from; p < to; ) {
            int inBlock = p % blockSize;
            int run = Math.min(blockSize - inBlock, to - p);
            int slot = table.block(p / blockSize) * blockSize + inBlock;
            for (int r = 0; r < run; r++) {
                Float16.toFloats(v, (slot + r) * kvDim + headOff, tile, (p + r - tileStart) * headDim, headDim);
            }
            p += run;
        }
    }
}
