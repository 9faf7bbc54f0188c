package dev.sparkllm.planner.sharing;

import java.util.ArrayList;
import java.util.List;

/**
 * A block-aligned prefix that at least two requests share, with totals over every request that
 * starts with it. Built from the exact prefix forest or from merged hash summaries; both give the
 * same nodes (identified by the prefix's chain hash), so group selection does not know which.
 */
public final class SharingNode {
  final long prefixHash;
  final int prefixTokens;
  long requests;
  long promptTokens;
  long decodeTokens;
  SharingNode parent;
  final List<SharingNode> children = new ArrayList<>();

  public SharingNode(long prefixHash, int prefixTokens, long requests, long promptTokens, long decodeTokens) {
    this.prefixHash = prefixHash;
    this.prefixTokens = prefixTokens;
    this.requests = requests;
    this.promptTokens = promptTokens;
    this.decodeTokens = decodeTokens;
  }

  public long prefixHash() {
    return prefixHash;
  }

  /** Length of the shared prefix, a multiple of the block size. */
  public int prefixTokens() {
    return prefixTokens;
  }

  /** Requests that start with this prefix (members of this node and of every node below). */
  public long requests() {
    return requests;
  }

  /** Sum of the prompt lengths of those requests. */
  public long promptTokens() {
    return promptTokens;
  }

  /** Sum of their estimated output lengths. */
  public long decodeTokens() {
    return decodeTokens;
  }

  public SharingNode parent() {
    return parent;
  }

  public List<SharingNode> children() {
    return children;
  }
}
