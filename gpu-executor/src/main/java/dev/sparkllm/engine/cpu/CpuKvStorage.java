package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.kv.BlockTable;

/**
 * The CPU's KV block pool memory: per layer one key array and one value array of
 * {@code blocks * blockSize} rows of {@code kvDim} floats. A position's row is its block table's
 * {@link BlockTable#slot slot}. Allocated once, at the configured budget, so the pool's memory
 * does not grow with the number of queued requests.
 *
 * <p>Values are stored at f16 precision in f32 arrays, as llama.cpp's default f16 KV cache
 * rounds them, while the attention kernels keep reading plain floats.
 */
final class CpuKvStorage {
    final int kvDim;
    final float[][] keys;
    final float[][] values;

    CpuKvStorage(int layers, int kvDim, int blocks, int blockSize) {
        long floats = (long) blocks * blockSize * kvDim;
        if (floats > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a KV pool of " + blocks + " blocks is too large for one array per layer");
        }
        this.kvDim = kvDim;
        this.keys = new float[layers][(int) floats];
        this.values = new float[layers][(int) floats];
    }

    static long bytesPerBlock(int layers, int kvDim, int blockSize) {
        return 2L * layers * blockSize * kvDim * Float.BYTES;
    }

    void store(int layer, int slot, float[] key, int keyOffset, float[] value, int valueOffset) {
        int at = slot * kvDim;
        System.arraycopy(key, keyOffset, keys[layer], at, kvDim);
        System.arraycopy(value, valueOffset, values[layer], at, kvDim);
        Float16.roundInPlace(keys[layer], at, kvDim);
        Float16.roundInPlace(values[layer], at, kvDim);
    }
}
