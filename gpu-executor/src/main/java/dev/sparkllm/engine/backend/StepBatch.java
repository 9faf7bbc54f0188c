package dev.sparkllm.engine.backend;

import dev.sparkllm.engine.kv.BlockTable;

/**
 * The tokens of one engine iteration: prefill chunks and decode tokens of many sequences mixed.
 * Token i belongs to the sequence whose KV blocks are {@code tables[i]} and sits at
 * {@code positions[i]} in it; the table already holds a block for that position, and all earlier
 * positions of that sequence are already computed or come earlier in this batch. {@code wantLogits[i]} marks the tokens whose next-token logits are needed
 * (the last prompt token, and every decode token).
 */
public final class StepBatch {
    private final int[] tokens;
    private final int[] positions;
    private final BlockTable[] tables;
    private final boolean[] wantLogits;
    private int size;

    public StepBatch(int capacity) {
        tokens = new int[capacity];
        positions = new int[capacity];
        tables = new BlockTable[capacity];
        wantLogits = new boolean[capacity];
    }

    public void clear() {
        java.util.Arrays.fill(tables, 0, size, null);
        size = 0;
    }

    public void add(int token, int position, BlockTable table, boolean logits) {
        if (size == tokens.length) throw new IllegalStateException("step batch is full (" + size + " tokens)");
        tokens[size] = token;
        positions[size] = position;
        if (position >= table.capacity()) {
            throw new IllegalStateException("position " + position + " has no KV block (the table holds " + table.capacity() + ")");
        }
        tables[size] = table;
        wantLogits[size] = logits;
        size++;
    }

    public int size() { return size; }
    public int capacity() { return tokens.length; }
    public int token(int i) { return tokens[i]; }
    public int position(int i) { return positions[i]; }
    public BlockTable table(int i) { return tables[i]; }
    public boolean wantsLogits(int i) { return wantLogits[i]; }

    public int logitsCount() {
        int n = 0;
        for (int i = 0; i < size; i++) if (wantLogits[i]) n++;
        return n;
    }
}
