package dev.sparkllm.planner.summary;

import dev.sparkllm.planner.sharing.SharingTree.FlatNode;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A compressed trie over prompts' block chain hashes (see
 * {@link dev.sparkllm.planner.hash.BlockHasher}). An edge is a run of consecutive chain hashes;
 * a prompt walks down by its next hash and compares along edges, so inserting one prompt costs a
 * few map lookups and a sequential array comparison instead of one random table access per block
 * (the difference between minutes and seconds at a million prompts). Prompt counts and sums are
 * kept where prompts end and added up only when the trie is compacted.
 *
 * <p>Memory is about 8 bytes per distinct block prefix plus one small object per edge; the
 * compacted result keeps only prefixes of two or more prompts.
 */
final class ChainTrie implements Serializable {
  private static final long serialVersionUID = 1L;
  /** No prompt has 2^24 blocks (hundreds of millions of tokens): a longer edge is corruption. */
  private static final int MAX_EDGE_BLOCKS = 1 << 24;

  private static final class Node {
    /** Chain hashes of this edge: blocks (depthBefore, depthBefore + length] live in hashes[offset...]. */
    long[] hashes;
    int offset;
    int length;
    int depthBefore;
    long endingRequests;
    long endingPromptTokens;
    long endingDecodeTokens;
    Map<Long, Node> children;

    Node(long[] hashes, int offset, int length, int depthBefore) {
      this.hashes = hashes;
      this.offset = offset;
      this.length = length;
      this.depthBefore = depthBefore;
    }

    long hashAt(int i) {
      return hashes[offset + i];
    }

    long lastHash() {
      return hashes[offset + length - 1];
    }

    int depth() {
      return depthBefore + length;
    }

    Map<Long, Node> children() {
      if (children == null) {
        children = new HashMap<>(4);
      }
      return children;
    }
  }

  private transient Node root = new Node(new long[0], 0, 0, 0);
  private transient long distinctBlocks;

  /** Number of distinct block prefixes held. */
  long distinctBlocks() {
    return distinctBlocks;
  }

  /**
   * Adds {@code requests} prompts whose chain is {@code chain[0, blocks)} with these sums. The
   * array is not kept (a reused buffer is fine).
   */
  void insert(long[] chain, int blocks, long requests, long promptTokens, long decodeTokens) {
    Node node = root;
    int pos = 0;
    while (pos < blocks) {
      Node child = node.children().get(chain[pos]);
      if (child == null) {
        long[] own = java.util.Arrays.copyOfRange(chain, pos, blocks);
        child = new Node(own, 0, own.length, pos);
        node.children().put(chain[pos], child);
        distinctBlocks += own.length;
        node = child;
        pos = blocks;
        break;
      }
      int matched = 1;
      while (matched < child.length && pos + matched < blocks && child.hashAt(matched) == chain[pos + matched]) {
        matched++;
      }
      if (matched < child.length) {
        child = split(node, child, matched);
      }
      node = child;
      pos += matched;
    }
    node.endingRequests += requests;
    node.endingPromptTokens += promptTokens;
    node.endingDecodeTokens += decodeTokens;
  }

  /** Cuts {@code child}'s edge after {@code keep} hashes; the upper part shares the array. */
  private static Node split(Node parent, Node child, int keep) {
    Node upper = new Node(child.hashes, child.offset, keep, child.depthBefore);
    parent.children().put(child.hashAt(0), upper);
    child.offset += keep;
    child.length -= keep;
    child.depthBefore += keep;
    upper.children().put(child.hashAt(0), child);
    return upper;
  }

  /** Adds every prompt of {@code other} into this trie. */
  void addAll(ChainTrie other) {
    other.forEachEnding((chain, blocks, requests, prompt, decode) -> insert(chain, blocks, requests, prompt, decode));
  }

  @FunctionalInterface
  interface EndingVisitor {
    void visit(long[] chain, int blocks, long requests, long promptTokens, long decodeTokens);
  }

  /** Visits each node where prompts end, with the full chain from the root. */
  private void forEachEnding(EndingVisitor visitor) {
    long[] path = new long[16];
    Deque<Node> stack = new ArrayDeque<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      Node node = stack.pop();
      if (path.length < node.depth()) {
        path = java.util.Arrays.copyOf(path, Math.max(node.depth(), path.length * 2));
      }
      System.arraycopy(node.hashes, node.offset, path, node.depthBefore, node.length);
      if (node.endingRequests > 0) {
        visitor.visit(path, node.depth(), node.endingRequests, node.endingPromptTokens, node.endingDecodeTokens);
      }
      if (node.children != null) {
        node.children.values().forEach(stack::push); // depth-first: a subtree before its siblings
      }
    }
  }

  /**
   * The prefixes of at least {@code minRequests} prompts, each linked to its nearest such
   * ancestor ({@code rootHash} for none). A trie node with one child and no prompt ending in it
   * does not exist (edges are compressed), so the result is already canonical.
   */
  List<FlatNode> shared(int minRequests, long rootHash, int blockSize) {
    List<FlatNode> out = new ArrayList<>();
    List<Node> postOrder = new ArrayList<>();
    Deque<Node> stack = new ArrayDeque<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      Node node = stack.pop();
      postOrder.add(node);
      if (node.children != null) {
        node.children.values().forEach(stack::push); // depth-first: a subtree before its siblings
      }
    }
    Map<Node, long[]> totals = new java.util.IdentityHashMap<>();
    for (int i = postOrder.size() - 1; i >= 0; i--) { // children before parents
      Node node = postOrder.get(i);
      long[] sum = {node.endingRequests, node.endingPromptTokens, node.endingDecodeTokens};
      if (node.children != null) {
        for (Node child : node.children.values()) {
          long[] c = totals.remove(child);
          sum[0] += c[0];
          sum[1] += c[1];
          sum[2] += c[2];
          if (c[0] >= minRequests) {
            // A prefix of a shared child is shared by at least as many prompts.
            out.add(new FlatNode(child.lastHash(), node == root ? rootHash : node.lastHash(),
                child.depth() * blockSize, c[0], c[1], c[2]));
          }
        }
      }
      totals.put(node, sum);
    }
    return out;
  }

  // Serialized flat, node by node in depth-first order (parent before child): a deep trie would
  // overflow the stack of Java's default recursive serialization.
  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    Map<Node, Integer> index = new java.util.IdentityHashMap<>();
    Deque<Node> stack = new ArrayDeque<>();
    List<Node> order = new ArrayList<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      Node node = stack.pop();
      index.put(node, order.size());
      order.add(node);
      if (node.children != null) {
        node.children.values().forEach(stack::push); // depth-first: a subtree before its siblings
      }
    }
    out.writeInt(order.size());
    Map<Node, Integer> parentOf = new java.util.IdentityHashMap<>();
    for (Node node : order) {
      if (node.children != null) {
        for (Node child : node.children.values()) {
          parentOf.put(child, index.get(node));
        }
      }
    }
    for (Node node : order) {
      out.writeInt(node == root ? -1 : parentOf.get(node));
      out.writeInt(node.length);
      for (int i = 0; i < node.length; i++) {
        out.writeLong(node.hashAt(i));
      }
      out.writeLong(node.endingRequests);
      out.writeLong(node.endingPromptTokens);
      out.writeLong(node.endingDecodeTokens);
    }
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    int count = in.readInt();
    if (count < 1) {
      throw new IOException("a serialized prefix trie has at least its root, got " + count + " nodes");
    }
    // Grown as records arrive, never sized from the stream: a corrupt count must not allocate.
    List<Node> nodes = new ArrayList<>();
    distinctBlocks = 0;
    for (int i = 0; i < count; i++) {
      int parent = in.readInt();
      int length = in.readInt();
      if ((i == 0) != (parent == -1) || parent >= i || length < 0 || (i > 0 && length == 0)
          || length > MAX_EDGE_BLOCKS) {
        throw new IOException("corrupt prefix trie at node " + i);
      }
      long[] hashes = new long[length];
      for (int k = 0; k < length; k++) {
        hashes[k] = in.readLong();
      }
      Node node = new Node(hashes, 0, length, i == 0 ? 0 : nodes.get(parent).depth());
      node.endingRequests = in.readLong();
      node.endingPromptTokens = in.readLong();
      node.endingDecodeTokens = in.readLong();
      nodes.add(node);
      if (i > 0) {
        nodes.get(parent).children().put(hashes[0], node);
        distinctBlocks += length;
      }
    }
    root = nodes.get(0);
  }
}
