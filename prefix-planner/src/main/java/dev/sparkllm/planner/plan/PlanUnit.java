package dev.sparkllm.planner.plan;

import dev.sparkllm.planner.cost.Cost;
import java.util.List;

/**
 * What the packer places: a top-level group with every group nested in it, or the pool of
 * requests in no group. A unit too big for one partition is cut into pieces; each piece
 * recomputes the top-level prefix once.
 *
 * <p>Members are laid out on [0, 1): each group of the unit (depth-first order) owns a
 * contiguous interval proportional to its direct members, so a cut falls inside a nested group
 * only when it must. A member's place inside its group's interval comes from a hash of its id
 * (distributed plans) or its rank (in-memory plans).
 *
 * @param topGroupId the top-level group, or -1 for the ungrouped pool
 * @param groupIds the unit's groups, depth-first
 * @param groupOffsets start of each group's interval on [0, 1), same order as groupIds
 * @param groupWidths width of each group's interval
 * @param requests members of the unit
 * @param cost the whole unit's work, shared prefixes once
 * @param prefixTokens tokens a piece must recompute (the top-level prefix; 0 for the pool)
 */
public record PlanUnit(int topGroupId, List<Integer> groupIds, double[] groupOffsets, double[] groupWidths,
                       long requests, Cost cost, int prefixTokens) implements java.io.Serializable {
  public boolean isPool() {
    return topGroupId < 0;
  }

  /** BatchLLM's ordering key: estimated output tokens per computed prompt token. */
  public double decodeRatio() {
    return cost.decodeTokens() / (double) Math.max(1, cost.prefillTokens());
  }
}
