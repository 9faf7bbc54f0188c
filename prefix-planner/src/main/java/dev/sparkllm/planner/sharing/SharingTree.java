package dev.sparkllm.planner.sharing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared block-aligned prefixes of a whole job as a forest, plus totals over all requests
 * (shared or not). Canonical form: a node whose requests all continue into one child says nothing
 * the child does not, so it is removed; children are sorted by hash. Two builds from the same
 * requests (forest or summaries, any merge order) therefore give equal trees.
 */
public final class SharingTree {
  private final List<SharingNode> roots;
  private final long requests;
  private final long promptTokens;
  private final long decodeTokens;

  private SharingTree(List<SharingNode> roots, long requests, long promptTokens, long decodeTokens) {
    this.roots = roots;
    this.requests = requests;
    this.promptTokens = promptTokens;
    this.decodeTokens = decodeTokens;
  }

  /** A shared node before linking: its own hash and the hash of the next shorter block prefix. */
  public record FlatNode(long prefixHash, long parentHash, int prefixTokens, long requests, long promptTokens,
                         long decodeTokens) implements java.io.Serializable {}

  /**
   * Links nodes by their parent hash; a node whose parent is not in the list (the empty prefix)
   * becomes a root.
   */
  public static SharingTree fromFlat(List<FlatNode> flat, long requests, long promptTokens, long decodeTokens) {
    Map<Long, SharingNode> byHash = new HashMap<>(flat.size() * 2);
    for (FlatNode f : flat) {
      byHash.put(f.prefixHash(), new SharingNode(f.prefixHash(), f.prefixTokens(), f.requests(), f.promptTokens(),
          f.decodeTokens()));
    }
    List<SharingNode> roots = new ArrayList<>();
    for (FlatNode f : flat) {
      SharingNode node = byHash.get(f.prefixHash());
      SharingNode parent = byHash.get(f.parentHash());
      if (parent == null) {
        roots.add(node);
      } else {
        node.parent = parent;
        parent.children.add(node);
      }
    }
    return canonical(roots, requests, promptTokens, decodeTokens);
  }

  /** Canonicalizes already linked roots (see the class comment). */
  public static SharingTree canonical(List<SharingNode> roots, long requests, long promptTokens, long decodeTokens) {
    List<SharingNode> compressed = new ArrayList<>();
    for (SharingNode root : roots) {
      SharingNode kept = compress(root);
      kept.parent = null;
      compressed.add(kept);
    }
    sortByHash(compressed);
    return new SharingTree(Collections.unmodifiableList(compressed), requests, promptTokens, decodeTokens);
  }

  /** Returns the node that represents this subtree after compression (iterative: chains are long). */
  private static SharingNode compress(SharingNode top) {
    SharingNode node = top;
    while (node.children.size() == 1 && node.children.get(0).requests == node.requests) {
      node = node.children.get(0);
    }
    List<SharingNode> kept = new ArrayList<>(node.children.size());
    for (SharingNode child : node.children) {
      SharingNode representative = compress(child);
      representative.parent = node;
      kept.add(representative);
    }
    sortByHash(kept);
    node.children.clear();
    node.children.addAll(kept);
    return node;
  }

  private static void sortByHash(List<SharingNode> nodes) {
    nodes.sort(Comparator.comparingLong(SharingNode::prefixHash));
  }

  public List<SharingNode> roots() {
    return roots;
  }

  /** All requests of the job, shared or not. */
  public long requests() {
    return requests;
  }

  public long promptTokens() {
    return promptTokens;
  }

  public long decodeTokens() {
    return decodeTokens;
  }

  /** Number of shared nodes, for reports. */
  public int size() {
    int n = 0;
    List<SharingNode> stack = new ArrayList<>(roots);
    while (!stack.isEmpty()) {
      SharingNode node = stack.remove(stack.size() - 1);
      n++;
      stack.addAll(node.children);
    }
    return n;
  }
}
