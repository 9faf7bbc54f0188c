package dev.sparkllm.engine.sampling;

/**
 * Keeps the m smallest of a stream of sort keys ({@link Sampler}'s: descending logit, then
 * ascending id, so the smallest keys are the best tokens) in a max-heap over the front of a caller's
 * array: the root is the worst of the best so far, the one a better key evicts. One pass over the
 * vocabulary, O(V log m), no allocation. Shared by top-k sampling and the log-probability
 * alternatives.
 */
final class BestKeys {
    private BestKeys() {}

    /**
     * Offers key k to the heap of the best {@code m} in heap[0, size); returns the new size.
     */
    static int offer(long[] heap, int size, int m, long k) {
        if (size < m) {
            heap[size] = k;
            siftUp(heap, size);
            return size + 1;
        }
        if (k < heap[0]) {
            heap[0] = k;
            siftDown(heap, size);
        }
        return size;
    }

    private static void siftUp(long[] heap, int at) {
        long k = heap[at];
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (heap[parent] >= k) break;
            heap[at] = heap[parent];
            at = parent;
        }
        heap[at] = k;
    }

    private static void siftDown(long[] heap, int size) {
        int at = 0;
        long k = heap[0];
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) break;
            if (child + 1 < size && heap[child + 1] > heap[child]) child++;
            if (heap[child] <= k) break;
            heap[at] = heap[child];
            at = child;
        }
        heap[at] = k;
    }
}
