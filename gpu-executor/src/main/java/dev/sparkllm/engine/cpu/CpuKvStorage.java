package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.kv.BlockTable;

/**
 * The CPU's KV block pool memory: per layer one key array and one value array holding
 * {@code blocks * blockSize} positions of {@code kvDim} floats. A position's place is its block
 * table's {@link BlockTable#slot slot}. Allocated once, at the configured budget, so the pool's
 * memory does not grow with the number of queued requests.
 *
 * <p>Values are rows: slot {@code s} holds its {@code kvDim} values at {@code s * kvDim}, which is
 * what the weighted sum over positions reads. Keys are transposed within each block: a block holds,
 * for each of the {@code kvDim} dimensions, its {@code blockSize} positions side by side
 * ({@link #keyIndex}). The score kernel then reads eight consecutive positions of one dimension as
 * one vector and keeps eight scores in a register while it walks the dimensions, instead of
 * reducing a vector across its lanes once per position. The key array carries one vector of padding
 * so that kernel may read a whole vector at a block's last positions.
 *
 * <p>Both are stored at f16 precision in f32 arrays, as llama.cpp's default f16 KV cache rounds
 * them, while the attention kernels keep reading plain floats.
 */
final class CpuKvStorage {
    /** Floats after the last key, so a full vector read starting at any position stays in the array. */
    static final int KEY_PADDING = 8;

    final int kvDim;
    final int blockSize;
    final float[][] keys;
    final float[][] values;

    CpuKvStorage(int layers, int kvDim, int blocks, int blockSize) {
        long floats = (long) blocks * blockSize * kvDim;
        if (floats > Integer.MAX_VALUE - 16 - KEY_PADDING) {
            throw new IllegalArgumentException("a KV pool of " + blocks + " blocks is too large for one array per layer");
        }
        this.kvDim = kvDim;
        this.blockSize = blockSize;
        this.keys = new float[layers][(int) floats + KEY_PADDING];
        this.values = new float[layers][(int) floats];
    }

    static long bytesPerBlock(int layers, int kvDim, int blockSize) {
        return 2L * layers * blockSize * kvDim * Float.BYTES;
    }

    /**
     * Where dimension {@code dim} of the key at {@code slot} lives. The next position of the same
     * block, same dimension, is at the next index.
     */
    int keyIndex(int slot, int dim) {
        int row = slot % blockSize;
        return (slot - row) * kvDim + dim * blockSize + row;
    }

    void store(int layer, int slot, float[] key, int keyOffset, float[] value, int valueOffset) {
        float[] k = keys[layer];
        int at = keyIndex(slot, 0);
        for (int d = 0; d < kvDim; d++) k[at + d * blockSize] = Float16.round(key[keyOffset + d]);
        int row = slot * kvDim;
        System.arraycopy(value, valueOffset, values[layer], row, kvDim);
        Float16.roundInPlace(values[layer], row, kvDim);
    }
}
