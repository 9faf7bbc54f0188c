package dev.sparkllm.engine.tokenizer;

/**
 * Applies BPE merge rules to one pre-token: repeatedly merges the adjacent pair with the lowest
 * rank (the leftmost one on ties), as llama.cpp's and Hugging Face's BPE do. Symbols live in a
 * doubly linked list over arrays and candidates in a heap, so a word of n symbols costs
 * O(n log n) rather than the O(n²) of rescanning for the best pair after every merge.
 */
final class BytePairMerger {
    private final MergeTable merges;

    BytePairMerger(MergeTable merges) {
        this.merges = merges;
    }

    /**
     * Merges the symbols {@code ids[0, n)} (token ids, or -1 for a symbol that has no token) in
     * place and appends the resulting token ids to {@code out}. Symbols without a token are
     * dropped, as llama.cpp drops bytes missing from a byte-level vocabulary.
     */
    void merge(int[] ids, int n, IntList out) {
        if (n == 0) {
            return;
        }
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongMinHeap candidates = new LongMinHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            offer(ids, i, i + 1, candidates);
        }
        while (!candidates.isEmpty()) {
            long candidate = candidates.pop();
            int left = (int) candidate;
            int rank = (int) (candidate >>> 32);
            int right = next[left];
            if (ids[left] < 0 || right < 0) {
                continue; // left was merged away, or is now the last symbol
            }
            int slot = merges.find(ids[left], ids[right]);
            if (slot < 0 || merges.rankAt(slot) != rank) {
                continue; // a neighbour changed since this candidate was offered
            }
            ids[left] = merges.mergedIdAt(slot);
            ids[right] = -2; // merged away; never offered again
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                offer(ids, prev[left], left, candidates);
            }
            if (next[left] >= 0) {
                offer(ids, left, next[left], candidates);
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            if (ids[i] >= 0) {
                out.add(ids[i]);
            }
        }
    }

    private void offer(int[] ids, int left, int right, LongMinHeap candidates) {
        if (ids[left] < 0 || ids[right] < 0) {
            return;
        }
        int slot = merges.find(ids[left], ids[right]);
        if (slot >= 0) {
            candidates.push(((long) merges.rankAt(slot) << 32) | left);
        }
    }
}
