package dev.sparkllm.planner.group;

import dev.sparkllm.planner.sharing.SharingNode;

/**
 * A shared prefix chosen as a group, before ordering.
 *
 * @param node the shared prefix
 * @param parent the nearest enclosing group, or null for a top-level group
 */
public record SelectedGroup(SharingNode node, SelectedGroup parent) {
  /** Tokens this group shares beyond its parent group: what it saves per extra member. */
  public int sharedTokens() {
    return node.prefixTokens() - (parent == null ? 0 : parent.node().prefixTokens());
  }

  public int level() {
    int level = 0;
    for (SelectedGroup p = parent; p != null; p = p.parent()) {
      level++;
    }
    return level;
  }
}
