package dev.sparkllm.planner.hash;

/**
 * Chained 64-bit fingerprints of block-aligned token prefixes: the hash of the first k blocks is
 * computed from the hash of the first k-1 blocks and the tokens of block k, as vLLM's prefix cache
 * keys its blocks. Two prompts with the same first k blocks get the same k-th chain hash, so
 * counting chain hashes counts shared prefixes without keeping any token.
 *
 * <p>A fingerprint is a planning key, not a proof: two different prefixes collide with
 * probability about n^2 / 2^65 for n distinct prefixes (about 1e-5 for 20 million). The engine
 * compares real tokens before it shares KV, so a collision can cost a recomputation but never a
 * wrong answer. The seed is a key: a job that must resist crafted collisions picks a random one.
 */
public final class BlockHasher {
  private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

  private final long rootHash;
  private final int blockSize;

  public BlockHasher(int blockSize, long seed) {
    if (blockSize < 1) {
      throw new IllegalArgumentException("block size must be at least 1, got " + blockSize);
    }
    this.blockSize = blockSize;
    this.rootHash = mix(seed ^ 0x5DEECE66DL);
  }

  public int blockSize() {
    return blockSize;
  }

  /** The hash of the empty prefix, the parent of every first block. */
  public long rootHash() {
    return rootHash;
  }

  /** Number of whole blocks in a prompt of {@code length} tokens. */
  public int wholeBlocks(int length) {
    return length / blockSize;
  }

  /** The chain hash of the prefix that ends with block {@code blockIndex} (0-based). */
  public long extend(long parentHash, int[] tokens, int blockIndex) {
    int from = blockIndex * blockSize;
    return extend(parentHash, tokens, from, from + blockSize);
  }

  /** The chain hash of {@code parentHash} followed by {@code tokens[from, to)}. */
  public static long extend(long parentHash, int[] tokens, int from, int to) {
    long h = parentHash;
    int i = from;
    // Two tokens per step halve the multiply chain; packing two ints into a long is injective.
    for (; i + 1 < to; i += 2) {
      long pair = (tokens[i] & 0xFFFFFFFFL) | ((long) tokens[i + 1] << 32);
      h = Long.rotateLeft((h ^ pair) * MULTIPLIER, 31);
    }
    if (i < to) {
      h = Long.rotateLeft((h ^ (tokens[i] & 0xFFFFFFFFL) ^ 0x8000000000000000L) * MULTIPLIER, 31);
    }
    long hash = mix(h ^ (to - from));
    return hash == 0 ? 1 : hash; // 0 marks an empty slot in the summaries' tables
  }

  /** Fills {@code out[k]} with the chain hash of the first k+1 blocks; returns the block count. */
  public int chain(int[] tokens, int length, long[] out) {
    int blocks = wholeBlocks(length);
    long h = rootHash;
    for (int b = 0; b < blocks; b++) {
      h = extend(h, tokens, b);
      out[b] = h;
    }
    return blocks;
  }

  /** A well-spread 64-bit mix (the MurmurHash3 finalizer). */
  public static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return h;
  }

  /** Maps a string id to a uniform number in [0, 1), used to spread members over pieces. */
  public static double unitInterval(String id) {
    long h = 0x2545F4914F6CDD1DL;
    for (int i = 0; i < id.length(); i++) {
      h = (h ^ id.charAt(i)) * MULTIPLIER;
    }
    return (mix(h) >>> 11) * 0x1.0p-53;
  }
}
