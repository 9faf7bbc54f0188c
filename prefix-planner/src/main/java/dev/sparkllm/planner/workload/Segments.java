package dev.sparkllm.planner.workload;

import dev.sparkllm.planner.hash.BlockHasher;

/**
 * Pseudo-random token segments. A segment starts with a marker token unique to its kind and
 * number, outside the model vocabulary (the planner treats token ids as opaque), so segments of
 * different requests share nothing by accident and a generator's prefix tree is exactly the one it
 * was built from; the remaining tokens are uniform over a SmolLM2-sized vocabulary.
 */
final class Segments {
  static final int VOCABULARY = 49_152;

  private Segments() {}

  /** Writes segment ({@code kind}, {@code number}) of {@code length} tokens at {@code at}; returns the end. */
  static int write(int[] buffer, int at, int kind, long number, int length, long seed) {
    if (length <= 0) {
      return at;
    }
    buffer[at] = VOCABULARY + kind * 10_000_000 + (int) (number % 10_000_000);
    // A 64-bit LCG seeded per segment: cheap enough to regenerate billions of tokens; the high
    // 32 bits scaled to the vocabulary are uniform enough for a planner that only compares them.
    long state = BlockHasher.mix(seed ^ ((long) kind << 56) ^ number * 0x9E3779B97F4A7C15L);
    for (int i = 1; i < length; i++) {
      state = state * 6364136223846793005L + 1442695040888963407L;
      buffer[at + i] = (int) (((state >>> 32) * VOCABULARY) >>> 32);
    }
    return at + length;
  }

  /** A seeded permutation of [0, n): requests arrive shuffled, as in BatchLLM's benchmark. */
  static int[] permutation(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
