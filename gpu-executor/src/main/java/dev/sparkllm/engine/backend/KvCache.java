package dev.sparkllm.engine.backend;

/**
 * Keys and values of one sequence, per layer and position. The contiguous per-sequence form here
 * is what the CPU backend uses today; the paged, shared-prefix pool implements the same interface.
 */
public interface KvCache {
    /** Makes room for positions [0, length); may grow storage. Throws when over the limit. */
    void ensureCapacity(int length);

    /** Stores the kvDim-sized key and value of {@code position} in {@code layer}. */
    void store(int layer, int position, float[] key, int keyOffset, float[] value, int valueOffset);

    /** The array holding {@code layer}'s keys, and the offset of {@code position}'s key in it. */
    float[] keys(int layer);
    float[] values(int layer);
    int offset(int position);

    /** Positions cached so far (the next position to fill). */
    int length();
    void setLength(int length);
}
