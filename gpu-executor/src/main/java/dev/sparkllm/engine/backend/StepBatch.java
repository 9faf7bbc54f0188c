package dev.sparkllm.engine.backend;

/**
 * The tokens of one engine iteration: prefill chunks and decode tokens of many sequences mixed.
 * Token i belongs to the sequence whose KV cache is {@code caches[i]} and sits at
 * {@code positions[i]} in it; all earlier positions of that sequence are already cached or come
 * earlier in this batch. {@code wantLogits[i]} marks the tokens whose next-token logits are needed
 * (the last prompt token, and every decode token).
 */
public final class StepBatch {
    private final int[] tokens;
    private final int[] positions;
    private final KvCache[] caches;
    private final boolean[] wantLogits;
    private int size;

    public StepBatch(int capacity) {
        tokens = new int[capacity];
        positions = new int[capacity];
        caches = new KvCache[capacity];
        wantLogits = new boolean[capacity];
    }

    public void clear() {
        java.util.Arrays.fill(caches, 0, size, null);
        size = 0;
    }

    public void add(int token, int position, KvCache cache, boolean logits) {
        if (size == tokens.length) throw new IllegalStateException("step batch is full (" + size + " tokens)");
        tokens[size] = token;
        positions[size] = position;
        caches[size] = cache;
        wantLogits[size] = logits;
        size++;
    }

    public int size() { return size; }
    public int capacity() { return tokens.length; }
    public int token(int i) { return tokens[i]; }
    public int position(int i) { return positions[i]; }
    public KvCache cache(int i) { return caches[i]; }
    public boolean wantsLogits(int i) { return wantLogits[i]; }

    public int logitsCount() {
        int n = 0;
        for (int i = 0; i < size; i++) if (wantLogits[i]) n++;
        return n;
    }
}
