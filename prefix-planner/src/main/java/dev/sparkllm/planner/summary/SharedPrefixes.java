package dev.sparkllm.planner.summary;

import dev.sparkllm.planner.hash.BlockHasher;
import dev.sparkllm.planner.sharing.SharingTree;
import dev.sparkllm.planner.sharing.SharingTree.FlatNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * The shared prefixes of one or more whole shards: what a merged, compacted summary sends to the
 * driver. Its size is the number of distinct shared block prefixes, not the number of prompts.
 * Shards combine by {@link #union}; the plan is built once every shard is in.
 */
public final class SharedPrefixes implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int blockSize;
  private final long hashSeed;
  private final int shardCount;
  private final BitSet shards;
  private final List<FlatNode> nodes;
  private final long requests;
  private final long promptTokens;
  private final long decodeTokens;

  private SharedPrefixes(int blockSize, long hashSeed, int shardCount, BitSet shards, List<FlatNode> nodes,
      long requests, long promptTokens, long decodeTokens) {
    this.blockSize = blockSize;
    this.hashSeed = hashSeed;
    this.shardCount = shardCount;
    this.shards = shards;
    this.nodes = nodes;
    this.requests = requests;
    this.promptTokens = promptTokens;
    this.decodeTokens = decodeTokens;
  }

  /** The shared prefixes of a whole shard (see {@link ChainTrie#shared}). */
  static SharedPrefixes of(PrefixSummary summary, int minRequests) {
    BlockHasher hasher = new BlockHasher(summary.blockSize(), summary.hashSeed());
    List<FlatNode> shared = summary.trie().shared(minRequests, hasher.rootHash(), summary.blockSize());
    BitSet shards = new BitSet();
    shards.set(summary.shard());
    return new SharedPrefixes(summary.blockSize(), summary.hashSeed(), summary.shardCount(), shards, shared,
        summary.requests(), summary.promptTokens(), summary.decodeTokens());
  }

  /** Both shards' shared prefixes; the shards must be different (their prompts are disjoint). */
  public SharedPrefixes union(SharedPrefixes other) {
    if (other.blockSize != blockSize || other.hashSeed != hashSeed || other.shardCount != shardCount) {
      throw new IllegalArgumentException("shared prefixes of different block sizes, seeds or shard counts");
    }
    if (shards.intersects(other.shards)) {
      throw new IllegalArgumentException("shard " + firstCommon(other) + " is in both: merge its summaries first");
    }
    BitSet union = (BitSet) shards.clone();
    union.or(other.shards);
    List<FlatNode> all = new ArrayList<>(nodes.size() + other.nodes.size());
    all.addAll(nodes);
    all.addAll(other.nodes);
    return new SharedPrefixes(blockSize, hashSeed, shardCount, union, all, requests + other.requests,
        promptTokens + other.promptTokens, decodeTokens + other.decodeTokens);
  }

  private int firstCommon(SharedPrefixes other) {
    BitSet common = (BitSet) shards.clone();
    common.and(other.shards);
    return common.nextSetBit(0);
  }

  public boolean complete() {
    return shards.cardinality() == shardCount;
  }

  public int blockSize() {
    return blockSize;
  }

  public long hashSeed() {
    return hashSeed;
  }

  public int size() {
    return nodes.size();
  }

  /** The job's sharing tree; every shard must be in. */
  public SharingTree sharingTree() {
    if (!complete()) {
      throw new IllegalStateException("shared prefixes of " + shards.cardinality() + " of " + shardCount
          + " shards: a plan needs them all");
    }
    // Sorted so that the tree (and the plan) does not depend on the order shards arrived in.
    List<FlatNode> sorted = new ArrayList<>(nodes);
    sorted.sort(Comparator.comparingLong(FlatNode::prefixHash));
    return SharingTree.fromFlat(sorted, requests, promptTokens, decodeTokens);
  }
}
