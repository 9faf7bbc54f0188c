package dev.sparkllm.planner.forest;

import dev.sparkllm.planner.hash.BlockHasher;
import dev.sparkllm.planner.sharing.SharingNode;
import dev.sparkllm.planner.sharing.SharingTree;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An exact, token-granular compressed radix tree of prompts, built one prompt at a time. An edge
 * is a window {@code [start, end)} into the token array of the prompt that created it (every
 * prompt below an edge has the same tokens there), so no token is ever copied. Each node counts
 * the prompts that pass through it and sums their prompt and estimated output lengths, which is
 * everything group selection and the cost model need.
 *
 * <p>Used for one executor's or one engine's requests, where token arrays are in memory anyway;
 * a distributed job uses {@link dev.sparkllm.planner.summary.PrefixSummary} instead.
 */
public final class PrefixForest {
  private final Node root = new Node(new int[0], 0, 0);
  private long totalTokens;
  private long distinctTokens;

  private static final class Node {
    int[] source;
    int start;
    final int end;
    long requests;
    long promptTokens;
    long decodeTokens;
    Map<Integer, Node> children;

    Node(int[] source, int start, int end) {
      this.source = source;
      this.start = start;
      this.end = end;
    }

    void count(int promptLength, long decode) {
      requests++;
      promptTokens += promptLength;
      decodeTokens += decode;
    }

    Map<Integer, Node> children() {
      if (children == null) {
        children = new HashMap<>(4);
      }
      return children;
    }
  }

  /** Adds one prompt. The array is kept by reference and must not change afterwards. */
  public void add(int[] tokens, long decodeEstimate) {
    int length = tokens.length;
    totalTokens += length;
    Node node = root;
    node.count(length, decodeEstimate);
    int pos = 0;
    while (pos < length) {
      Node child = node.children().get(tokens[pos]);
      if (child == null) {
        Node leaf = new Node(tokens, pos, length);
        leaf.count(length, decodeEstimate);
        node.children().put(tokens[pos], leaf);
        distinctTokens += length - pos;
        return;
      }
      int edgeLength = child.end - child.start;
      int matched = 1;
      while (matched < edgeLength && pos + matched < length
          && child.source[child.start + matched] == tokens[pos + matched]) {
        matched++;
      }
      if (matched < edgeLength) {
        child = split(node, child, matched);
      }
      child.count(length, decodeEstimate);
      node = child;
      pos += matched;
    }
  }

  /** Cuts {@code child}'s edge after {@code keep} tokens; returns the new upper node. */
  private static Node split(Node parent, Node child, int keep) {
    Node upper = new Node(child.source, child.start, child.start + keep);
    upper.requests = child.requests;
    upper.promptTokens = child.promptTokens;
    upper.decodeTokens = child.decodeTokens;
    parent.children().put(child.source[child.start], upper);
    child.start += keep;
    upper.children().put(child.source[child.start], child);
    return upper;
  }

  public long requests() {
    return root.requests;
  }

  /** Sum of all prompt lengths. */
  public long totalTokens() {
    return totalTokens;
  }

  /** Tokens on the tree's edges: the prefill work left when every shared prefix is computed once. */
  public long distinctTokens() {
    return distinctTokens;
  }

  /** The most prefill any plan could save: total tokens minus the tree's distinct tokens. */
  public long optimalSaving() {
    return totalTokens - distinctTokens;
  }

  /**
   * The shared block-aligned prefixes: a node shared by two or more prompts is reported at its
   * depth rounded down to a block, when its own edge contains that block boundary (otherwise the
   * rounded prefix belongs to an ancestor, which already reports it).
   */
  public SharingTree sharingTree(BlockHasher hasher) {
    int block = hasher.blockSize();
    List<SharingNode> roots = new ArrayList<>();
    record Visit(Node node, SharingNode reported, long reportedHash, int reportedTokens) {}
    Deque<Visit> stack = new ArrayDeque<>();
    stack.push(new Visit(root, null, hasher.rootHash(), 0));
    while (!stack.isEmpty()) {
      Visit visit = stack.pop();
      Node node = visit.node();
      SharingNode reported = visit.reported();
      long reportedHash = visit.reportedHash();
      int reportedTokens = visit.reportedTokens();
      int aligned = node.end / block * block;
      if (node != root && node.requests >= 2 && aligned > node.start && aligned > reportedTokens) {
        long hash = reportedHash;
        for (int from = reportedTokens; from < aligned; from += block) {
          hash = BlockHasher.extend(hash, node.source, from, from + block);
        }
        SharingNode shared = new SharingNode(hash, aligned, node.requests, node.promptTokens, node.decodeTokens);
        if (reported == null) {
          roots.add(shared);
        } else {
          reported.children().add(shared);
        }
        reported = shared;
        reportedHash = hash;
        reportedTokens = aligned;
      }
      if (node.children != null) {
        for (Node child : node.children.values()) {
          if (child.requests >= 2) {
            stack.push(new Visit(child, reported, reportedHash, reportedTokens));
          }
        }
      }
    }
    return SharingTree.canonical(roots, root.requests, root.promptTokens, root.decodeTokens);
  }
}
