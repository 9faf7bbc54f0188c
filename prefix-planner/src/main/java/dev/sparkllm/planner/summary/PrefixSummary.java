package dev.sparkllm.planner.summary;

import dev.sparkllm.planner.PlannerConfig;
import dev.sparkllm.planner.hash.BlockHasher;
import java.io.Serializable;

/**
 * What one partition of a distributed job knows about its prompts' prefixes: for every
 * block-aligned prefix, how many of its prompts start with it, and their prompt and estimated
 * decode token sums. Summaries of the same shard merge by adding counters, which is associative
 * and commutative, so Spark can reduce them in any order and any tree shape.
 *
 * <p>Sharding bounds memory. A prompt belongs to the shard of its first block's hash, so two
 * prompts that share any prefix are in the same shard: each shard can be merged and then
 * {@linkplain #compact() compacted} to its shared prefixes on its own (on an executor), and only
 * shared prefixes ever reach the driver. Prompts shorter than one block share nothing that the
 * engine could reuse; they count in shard 0's totals only.
 */
public final class PrefixSummary implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int blockSize;
  private final long hashSeed;
  private final int shard;
  private final int shardCount;
  private final ChainTrie trie = new ChainTrie();
  private long requests;
  private long promptTokens;
  private long decodeTokens;
  private transient BlockHasher hasher;
  private transient long[] chainScratch;

  public PrefixSummary(PlannerConfig config, int shard, int shardCount) {
    if (shardCount < 1 || shard < 0 || shard >= shardCount) {
      throw new IllegalArgumentException("shard " + shard + " of " + shardCount + " is not a valid shard");
    }
    this.blockSize = config.blockSize();
    this.hashSeed = config.hashSeed();
    this.shard = shard;
    this.shardCount = shardCount;
  }

  /** A summary of the only shard. */
  public PrefixSummary(PlannerConfig config) {
    this(config, 0, 1);
  }

  /** The shard a prompt belongs to (see the class comment). */
  public static int shardOf(BlockHasher hasher, int[] tokens, int length, int shardCount) {
    if (shardCount == 1 || length < hasher.blockSize()) {
      return 0;
    }
    long first = hasher.extend(hasher.rootHash(), tokens, 0);
    return (int) Long.remainderUnsigned(BlockHasher.mix(first ^ 0x632BE59BD9B4E019L), shardCount);
  }

  private BlockHasher hasher() {
    if (hasher == null) {
      hasher = new BlockHasher(blockSize, hashSeed);
    }
    return hasher;
  }

  /**
   * Adds one prompt ({@code tokens[0, length)}; the array may be a reused buffer). A prompt of
   * another shard is an error: mixing shards would make compaction drop real sharing.
   */
  public void add(int[] tokens, int length, long decodeEstimate) {
    BlockHasher h = hasher();
    if (shardCount > 1 && shardOf(h, tokens, length, shardCount) != shard) {
      throw new IllegalArgumentException("prompt belongs to shard " + shardOf(h, tokens, length, shardCount)
          + ", not to this summary's shard " + shard);
    }
    requests++;
    promptTokens += length;
    decodeTokens += decodeEstimate;
    int blocks = h.wholeBlocks(length);
    if (chainScratch == null || chainScratch.length < blocks) {
      chainScratch = new long[Math.max(blocks, 64)];
    }
    h.chain(tokens, length, chainScratch);
    trie.insert(chainScratch, blocks, 1, length, decodeEstimate);
  }

  /** Adds {@code other}'s counters into this summary and returns this. */
  public PrefixSummary merge(PrefixSummary other) {
    if (other.blockSize != blockSize || other.hashSeed != hashSeed) {
      throw new IllegalArgumentException("summaries of different block sizes or hash seeds cannot merge");
    }
    if (other.shard != shard || other.shardCount != shardCount) {
      throw new IllegalArgumentException("summaries of different shards cannot merge: shard " + shard + "/"
          + shardCount + " and " + other.shard + "/" + other.shardCount);
    }
    requests += other.requests;
    promptTokens += other.promptTokens;
    decodeTokens += other.decodeTokens;
    trie.addAll(other.trie);
    return this;
  }

  /** Keeps only the prefixes of two or more prompts: what the driver needs from this shard. */
  public SharedPrefixes compact() {
    return SharedPrefixes.of(this, 2);
  }

  int blockSize() {
    return blockSize;
  }

  long hashSeed() {
    return hashSeed;
  }

  int shard() {
    return shard;
  }

  int shardCount() {
    return shardCount;
  }

  ChainTrie trie() {
    return trie;
  }

  public long requests() {
    return requests;
  }

  public long promptTokens() {
    return promptTokens;
  }

  public long decodeTokens() {
    return decodeTokens;
  }

  /** Distinct block prefixes held (memory is about 8 bytes each, plus a small object per branch). */
  public long distinctBlocks() {
    return trie.distinctBlocks();
  }
}
