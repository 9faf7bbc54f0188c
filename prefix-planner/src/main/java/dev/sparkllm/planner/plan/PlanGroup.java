package dev.sparkllm.planner.plan;

import dev.sparkllm.planner.cost.Cost;

/**
 * A group of the plan: requests that start with the same block-aligned prefix, whose KV the
 * engine computes once and shares. Groups nest: a member of a nested group is also a member of
 * every enclosing group, and its KV blocks are the enclosing groups' blocks, then this group's.
 *
 * @param id position in the plan's order (0 runs first)
 * @param prefixHash chain hash of the prefix, how requests are matched to it
 * @param prefixTokens length of the whole shared prefix
 * @param sharedTokens tokens beyond the enclosing group's prefix (this level's own KV)
 * @param parentId the enclosing group's id, or -1
 * @param level 0 for a top-level group
 * @param requests all requests starting with the prefix, nested groups' included
 * @param directRequests requests whose deepest group this is
 * @param cost this level's work: its shared tokens once, plus its direct members' own tokens
 */
public record PlanGroup(int id, long prefixHash, int prefixTokens, int sharedTokens, int parentId, int level,
                        long requests, long directRequests, Cost cost) implements java.io.Serializable {
  /** Prefill tokens this level saves: its shared tokens, computed once instead of once per request. */
  public long savedPrefillTokens() {
    return (requests - 1) * sharedTokens;
  }
}
