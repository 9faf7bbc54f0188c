package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.backend.KvCache;

import java.util.Arrays;

/**
 * One sequence's keys and values as one growing float array per layer ([position][kvDim]).
 * Grows by doubling so a long generation copies O(length) in total.
 */
final class ContiguousKvCache implements KvCache {
    private static final int INITIAL_POSITIONS = 64;
    private final int kvDim;
    private final int maxPositions;
    private final float[][] keys;
    private final float[][] values;
    private int capacity;
    private int length;

    ContiguousKvCache(int layers, int kvDim, int maxPositions) {
        this.kvDim = kvDim;
        this.maxPositions = maxPositions;
        this.keys = new float[layers][];
        this.values = new float[layers][];
    }

    @Override
    public void ensureCapacity(int needed) {
        if (needed <= capacity) return;
        if (needed > maxPositions) {
            throw new IllegalArgumentException("sequence needs " + needed + " positions, the context holds " + maxPositions);
        }
        int newCapacity = Math.min(maxPositions, Math.max(needed, Math.max(INITIAL_POSITIONS, capacity * 2)));
        for (int l = 0; l < keys.length; l++) {
            keys[l] = keys[l] == null ? new float[newCapacity * kvDim] : Arrays.copyOf(keys[l], newCapacity * kvDim);
            values[l] = values[l] == null ? new float[newCapacity * kvDim] : Arrays.copyOf(values[l], newCapacity * kvDim);
        }
        capacity = newCapacity;
    }

    @Override
    public void store(int layer, int position, float[] key, int keyOffset, float[] value, int valueOffset) {
        // Keys and values are kept at f16 precision, as llama.cpp's default KV cache does.
        int at = position * kvDim;
        System.arraycopy(key, keyOffset, keys[layer], at, kvDim);
        System.arraycopy(value, valueOffset, values[layer], at, kvDim);
        Float16.roundInPlace(keys[layer], at, kvDim);
        Float16.roundInPlace(values[layer], at, kvDim);
    }

    @Override public float[] keys(int layer) { return keys[layer]; }
    @Override public float[] values(int layer) { return values[layer]; }
    @Override public int offset(int position) { return position * kvDim; }
    @Override public int length() { return length; }
    @Override public void setLength(int length) { this.length = length; }
}
