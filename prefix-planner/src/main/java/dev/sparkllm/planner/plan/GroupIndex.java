package dev.sparkllm.planner.plan;

import java.io.Serializable;
import java.util.List;
import java.util.TreeSet;

/**
 * Finds a request's deepest group from its chain hashes. Only depths where some group ends are
 * probed (one for BatchLLM-shaped jobs, one per level for nested ones), in a primitive
 * open-addressing table: placing a million requests must not box a hundred million longs.
 */
final class GroupIndex implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long[] keys;
  private final int[] groups;
  private final int mask;
  private final int[] depthsInBlocks;

  GroupIndex(List<PlanGroup> planGroups, int blockSize) {
    int capacity = Integer.highestOneBit(Math.max(4, planGroups.size() * 2) * 2 - 1);
    keys = new long[capacity];
    groups = new int[capacity];
    mask = capacity - 1;
    TreeSet<Integer> depths = new TreeSet<>();
    for (PlanGroup group : planGroups) {
      int i = slot(group.prefixHash());
      while (keys[i] != 0) {
        i = (i + 1) & mask;
      }
      keys[i] = group.prefixHash(); // chain hashes are never 0, the empty marker
      groups[i] = group.id();
      depths.add(group.prefixTokens() / blockSize);
    }
    depthsInBlocks = depths.stream().mapToInt(Integer::intValue).toArray();
  }

  private int slot(long hash) {
    return (int) (hash ^ (hash >>> 32)) & mask;
  }

  /** Depths (in blocks, ascending) at which some group's prefix ends. */
  int[] depthsInBlocks() {
    return depthsInBlocks;
  }

  /** The group whose prefix has this chain hash, or -1. */
  int groupOf(long hash) {
    int i = slot(hash);
    while (keys[i] != 0) {
      if (keys[i] == hash) {
        return groups[i];
      }
      i = (i + 1) & mask;
    }
    return -1;
  }
}
