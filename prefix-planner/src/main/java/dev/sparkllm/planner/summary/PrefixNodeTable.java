package dev.sparkllm.planner.summary;

import java.io.Serializable;

/**
 * An open-addressing hash table from a block prefix's chain hash to its counters. One entry is
 * five consecutive longs of one array (hash, parent hash, request count and depth, prompt-token
 * sum, estimated decode-token sum), so an update touches one or two cache lines: the summary of
 * a million prompts makes over a hundred million updates, and they are cache misses.
 */
final class PrefixNodeTable implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int STRIDE = 5;
  private static final int HASH = 0;
  private static final int PARENT = 1;
  private static final int COUNT_AND_DEPTH = 2;
  private static final int PROMPT = 3;
  private static final int DECODE = 4;
  private static final long EMPTY = 0L;
  private static final double MAX_LOAD = 0.7;

  private long[] slots;
  private int mask;
  private int size;

  PrefixNodeTable(int expectedEntries) {
    int capacity = Integer.highestOneBit(Math.max(16, (int) Math.min(1 << 28, expectedEntries / MAX_LOAD)) - 1) << 1;
    allocate(capacity);
  }

  private void allocate(int capacity) {
    slots = new long[Math.multiplyExact(capacity, STRIDE)];
    mask = capacity - 1;
    size = 0;
  }

  int size() {
    return size;
  }

  /** Adds {@code requests} requests with these sums to the node, creating it when new. */
  void add(long hash, long parentHash, int depthTokens, long requests, long promptTokens, long decodeTokens) {
    long k = hash; // BlockHasher never returns 0, the empty marker
    int at = find(k);
    if (slots[at + HASH] == EMPTY) {
      slots[at + HASH] = k;
      slots[at + PARENT] = parentHash;
      slots[at + COUNT_AND_DEPTH] = (long) depthTokens;
      size++;
    }
    long countAndDepth = slots[at + COUNT_AND_DEPTH];
    long count = Math.addExact(countAndDepth >>> 32, requests);
    if (count > 0xFFFFFFFFL) {
      throw new ArithmeticException("more than 2^32 requests share one prefix");
    }
    slots[at + COUNT_AND_DEPTH] = (count << 32) | (countAndDepth & 0xFFFFFFFFL);
    slots[at + PROMPT] += promptTokens;
    slots[at + DECODE] += decodeTokens;
    if (size > MAX_LOAD * (mask + 1)) {
      grow();
    }
  }

  private int find(long k) {
    int i = (int) (k ^ (k >>> 32)) & mask;
    while (true) {
      int at = i * STRIDE;
      long stored = slots[at + HASH];
      if (stored == k || stored == EMPTY) {
        return at;
      }
      i = (i + 1) & mask;
    }
  }

  private void grow() {
    long[] old = slots;
    allocate(Math.multiplyExact(mask + 1, 2));
    for (int at = 0; at < old.length; at += STRIDE) {
      if (old[at + HASH] != EMPTY) {
        int to = find(old[at + HASH]);
        System.arraycopy(old, at, slots, to, STRIDE);
        size++;
      }
    }
  }

  /** Calls {@code visitor} for every entry, in slot order. */
  void forEach(EntryVisitor visitor) {
    for (int at = 0; at < slots.length; at += STRIDE) {
      if (slots[at + HASH] != EMPTY) {
        long countAndDepth = slots[at + COUNT_AND_DEPTH];
        visitor.visit(slots[at + HASH], slots[at + PARENT], (int) countAndDepth, countAndDepth >>> 32,
            slots[at + PROMPT], slots[at + DECODE]);
      }
    }
  }

  @FunctionalInterface
  interface EntryVisitor {
    void visit(long hash, long parentHash, int depthTokens, long requests, long promptTokens, long decodeTokens);
  }
}
