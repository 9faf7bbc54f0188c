package dev.sparkllm.planner.plan;

import dev.sparkllm.planner.PlannerConfig;
import dev.sparkllm.planner.cost.Cost;
import dev.sparkllm.planner.cost.CostModel;
import dev.sparkllm.planner.group.GroupSelector;
import dev.sparkllm.planner.group.SelectedGroup;
import dev.sparkllm.planner.sharing.SharingNode;
import dev.sparkllm.planner.sharing.SharingTree;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a sharing tree into a {@link Plan}: selects groups, costs them, orders them and packs
 * them into partitions.
 *
 * <p>Order is BatchLLM's rule, decode-heavy first: units (top-level groups and the ungrouped
 * pool) by estimated output tokens per computed prompt token, highest first, so their decode
 * steps are still running when later, prefill-heavy groups arrive and the engine can mix the two
 * in its iterations. Nested groups follow the same rule inside their unit. Ties go by prefix
 * hash, so the order depends only on the requests.
 */
public final class PlanBuilder {
  private final PlannerConfig config;
  private final CostModel costModel;

  public PlanBuilder(PlannerConfig config, CostModel costModel) {
    this.config = config;
    this.costModel = costModel;
  }

  /** One selected group with its direct members' totals and the cost of its subtree. */
  private static final class Draft {
    final SelectedGroup selected;
    final List<Draft> children = new ArrayList<>();
    long directRequests;
    long directPromptTokens;
    long directDecodeTokens;
    Cost own;
    Cost subtree;

    Draft(SelectedGroup selected) {
      this.selected = selected;
    }

    SharingNode node() {
      return selected.node();
    }

    double subtreeRatio() {
      return subtree.decodeTokens() / (double) Math.max(1, subtree.prefillTokens());
    }
  }

  public Plan build(SharingTree tree, int partitions) {
    List<SelectedGroup> selected = new GroupSelector(config.gainRule()).select(tree);
    Map<SelectedGroup, Draft> drafts = new IdentityHashMap<>();
    List<Draft> tops = new ArrayList<>();
    for (SelectedGroup group : selected) { // parents come before children
      Draft draft = new Draft(group);
      drafts.put(group, draft);
      if (group.parent() == null) {
        tops.add(draft);
      } else {
        drafts.get(group.parent()).children.add(draft);
      }
    }
    for (int i = selected.size() - 1; i >= 0; i--) { // children before parents
      cost(drafts.get(selected.get(i)));
    }
    Comparator<Draft> decodeHeavyFirst = Comparator.comparingDouble((Draft d) -> -d.subtreeRatio())
        .thenComparingLong(d -> d.node().prefixHash());
    for (Draft draft : drafts.values()) {
      draft.children.sort(decodeHeavyFirst);
    }

    record UnitDraft(Draft top, long requests, long promptTokens, long decodeTokens, Cost cost) {
      double ratio() {
        return cost.decodeTokens() / (double) Math.max(1, cost.prefillTokens());
      }
    }
    List<UnitDraft> unitDrafts = new ArrayList<>();
    long poolRequests = tree.requests();
    long poolPrompt = tree.promptTokens();
    long poolDecode = tree.decodeTokens();
    for (Draft top : tops) {
      SharingNode node = top.node();
      unitDrafts.add(new UnitDraft(top, node.requests(), node.promptTokens(), node.decodeTokens(), top.subtree));
      poolRequests -= node.requests();
      poolPrompt -= node.promptTokens();
      poolDecode -= node.decodeTokens();
    }
    if (poolRequests > 0) {
      unitDrafts.add(new UnitDraft(null, poolRequests, poolPrompt, poolDecode,
          costModel.cost(poolPrompt, poolDecode, poolPrompt + poolDecode)));
    }
    unitDrafts.sort(Comparator.comparingDouble((UnitDraft u) -> -u.ratio())
        .thenComparingLong(u -> u.top() == null ? Long.MAX_VALUE : u.top().node().prefixHash()));

    List<PlanGroup> groups = new ArrayList<>();
    List<PlanUnit> units = new ArrayList<>();
    for (UnitDraft unitDraft : unitDrafts) {
      if (unitDraft.top() == null) {
        units.add(new PlanUnit(-1, List.of(), new double[0], new double[0], unitDraft.requests(), unitDraft.cost(), 0));
        continue;
      }
      List<Draft> ordered = new ArrayList<>();
      collectDepthFirst(unitDraft.top(), ordered);
      int firstId = groups.size();
      double[] offsets = new double[ordered.size()];
      double[] widths = new double[ordered.size()];
      List<Integer> ids = new ArrayList<>();
      Map<Draft, Integer> idOf = new IdentityHashMap<>();
      double offset = 0;
      for (int i = 0; i < ordered.size(); i++) {
        Draft draft = ordered.get(i);
        int id = firstId + i;
        idOf.put(draft, id);
        ids.add(id);
        offsets[i] = offset;
        widths[i] = draft.directRequests / (double) unitDraft.requests();
        offset += widths[i];
        SelectedGroup g = draft.selected;
        int parentId = g.parent() == null ? -1 : idOf.get(drafts.get(g.parent()));
        groups.add(new PlanGroup(id, draft.node().prefixHash(), draft.node().prefixTokens(), g.sharedTokens(),
            parentId, g.level(), draft.node().requests(), draft.directRequests, draft.own));
      }
      units.add(new PlanUnit(firstId, List.copyOf(ids), offsets, widths, unitDraft.requests(), unitDraft.cost(),
          unitDraft.top().node().prefixTokens()));
    }
    List<Piece> pieces = new Packer(costModel).pack(units, partitions);
    return new Plan(config, costModel, groups, units, pieces, partitions, tree.requests(), tree.promptTokens(),
        tree.decodeTokens());
  }

  private static void collectDepthFirst(Draft top, List<Draft> out) {
    List<Draft> stack = new ArrayList<>();
    stack.add(top);
    while (!stack.isEmpty()) {
      Draft draft = stack.remove(stack.size() - 1);
      out.add(draft);
      for (int i = draft.children.size() - 1; i >= 0; i--) {
        stack.add(draft.children.get(i));
      }
    }
  }

  /** Direct members are the node's requests minus those of its nested groups. */
  private void cost(Draft draft) {
    SharingNode node = draft.node();
    draft.directRequests = node.requests();
    draft.directPromptTokens = node.promptTokens();
    draft.directDecodeTokens = node.decodeTokens();
    Cost nested = Cost.ZERO;
    for (Draft child : draft.children) {
      draft.directRequests -= child.node().requests();
      draft.directPromptTokens -= child.node().promptTokens();
      draft.directDecodeTokens -= child.node().decodeTokens();
      nested = nested.plus(child.subtree);
    }
    long prefill = draft.selected.sharedTokens() + draft.directPromptTokens
        - draft.directRequests * node.prefixTokens();
    draft.own = costModel.cost(prefill, draft.directDecodeTokens, prefill + draft.directDecodeTokens);
    draft.subtree = draft.own.plus(nested);
  }
}
