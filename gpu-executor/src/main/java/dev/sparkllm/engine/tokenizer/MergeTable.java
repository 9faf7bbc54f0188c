package dev.sparkllm.engine.tokenizer;

import java.util.Arrays;

/**
 * BPE merge rules: for a pair of adjacent token ids, the rank of the rule that merges them (lower
 * merges first) and the id of the merged token. An open-addressing table keyed by the id pair,
 * because merge lookups are the innermost loop of byte-level BPE.
 */
final class MergeTable {
    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] ranks;
    private final int[] mergedIds;
    private final int mask;
    private final int size;

    /**
     * Rules from "left right" strings in rank order. A rule whose parts or result are not tokens
     * is dropped: it could only build a piece with no id (Hugging Face refuses such a file; llama.cpp
     * merges the text and then falls back to single bytes).
     */
    MergeTable(String[] merges, Vocabulary vocab) {
        int capacity = Integer.highestOneBit(Math.max(16, merges.length * 2 - 1)) << 1;
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        ranks = new int[capacity];
        mergedIds = new int[capacity];
        mask = capacity - 1;
        int count = 0;
        for (int rank = 0; rank < merges.length; rank++) {
            String merge = merges[rank];
            // Split at the first space after the first character, as llama.cpp does, so a rule
            // whose left part is a space itself still parses.
            int space = merge.indexOf(' ', 1);
            if (space < 0) {
                throw new IllegalArgumentException("merge rule " + rank + " has no space: '" + merge + "'");
            }
            String left = merge.substring(0, space);
            String right = merge.substring(space + 1);
            int leftId = vocab.id(left);
            int rightId = vocab.id(right);
            int mergedId = vocab.id(left + right);
            if (leftId < 0 || rightId < 0 || mergedId < 0) {
                continue;
            }
            if (insert(key(leftId, rightId), rank, mergedId)) {
                count++;
            }
        }
        size = count;
    }

    int size() {
        return size;
    }

    /** Where the rule merging the pair is kept, or -1 when there is none. */
    int find(int leftId, int rightId) {
        return find(key(leftId, rightId));
    }

    /** Rank of the rule at a slot that {@link #find(int, int)} returned: lower ranks merge first. */
    int rankAt(int slot) {
        return ranks[slot];
    }

    /** Id of the token that the rule at a slot produces. */
    int mergedIdAt(int slot) {
        return mergedIds[slot];
    }

    private static long key(int leftId, int rightId) {
        return ((long) leftId << 32) | (rightId & 0xFFFFFFFFL);
    }

    /** Keeps the first (lowest-rank) rule for a pair listed twice. */
    private boolean insert(long key, int rank, int mergedId) {
        int slot = hash(key);
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        ranks[slot] = rank;
        mergedIds[slot] = mergedId;
        return true;
    }

    private int find(long key) {
        int slot = hash(key);
        while (true) {
            long k = keys[slot];
            if (k == key) {
                return slot;
            }
            if (k == EMPTY) {
                return -1;
            }
            slot = (slot + 1) & mask;
        }
    }

    private int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }
}
