package dev.sparkllm.planner.group;

import dev.sparkllm.planner.sharing.SharingNode;
import dev.sparkllm.planner.sharing.SharingTree;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Chooses which shared prefixes become groups, top-down with the {@link GainRule}. Unlike
 * BatchLLM, which flattens the tree to one level and recomputes what lies below, every level
 * worth it is kept: a system prompt shared by all, a few-shot block shared by many and a document
 * shared by a few each become a group nested in the one above, so each level's KV is computed
 * once. Deciding top-down is safe because nesting never loses: the tokens a nested group saves
 * beyond its parent add to what the parent saves.
 */
public final class GroupSelector {
  private final GainRule rule;

  public GroupSelector(GainRule rule) {
    this.rule = rule;
  }

  /** The chosen groups, parents before children (depth-first in the tree's canonical order). */
  public List<SelectedGroup> select(SharingTree tree) {
    List<SelectedGroup> chosen = new ArrayList<>();
    record Visit(SharingNode node, SelectedGroup enclosing) {}
    Deque<Visit> stack = new ArrayDeque<>();
    List<SharingNode> roots = tree.roots();
    for (int i = roots.size() - 1; i >= 0; i--) {
      stack.push(new Visit(roots.get(i), null));
    }
    while (!stack.isEmpty()) {
      Visit visit = stack.pop();
      SharingNode node = visit.node();
      SelectedGroup enclosing = visit.enclosing();
      int enclosingTokens = enclosing == null ? 0 : enclosing.node().prefixTokens();
      if (rule.worthAGroup(node.requests(), node.prefixTokens() - enclosingTokens)) {
        enclosing = new SelectedGroup(node, enclosing);
        chosen.add(enclosing);
      }
      List<SharingNode> children = node.children();
      for (int i = children.size() - 1; i >= 0; i--) {
        stack.push(new Visit(children.get(i), enclosing));
      }
    }
    return chosen;
  }
}
