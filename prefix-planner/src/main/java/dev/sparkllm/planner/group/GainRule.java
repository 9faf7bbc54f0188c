package dev.sparkllm.planner.group;

/**
 * When a shared prefix is worth a group. A candidate node is shared by {@code n} requests and
 * adds {@code delta} block-aligned tokens beyond its nearest chosen ancestor group (the whole
 * prefix when it has none). Making it a group:
 * <ul>
 *   <li>saves {@code (n - 1) * delta} prefill tokens: the delta is computed once, not n times;
 *   <li>costs waiting: no member can start before the group's prefix KV is written, about one
 *       prefill of {@code delta} tokens of delay for the group. In a full batch engine that delay
 *       overlaps other groups' work, so it is charged as {@code waitPenalty * delta} tokens;
 *   <li>costs a fixed {@code overheadTokens}: one more block-table level and one more scheduling
 *       barrier in the engine, about a block of prefill.
 * </ul>
 * The node becomes a group when {@code n >= minSharingDegree} and
 * {@code (n - 1 - waitPenalty) * delta - overheadTokens > 0}. Groups are decided top-down, so a
 * nested group only claims the tokens its parent group does not already share, and the savings
 * of nested levels add up (each level's KV is computed once).
 */
public record GainRule(int minSharingDegree, double waitPenalty, double overheadTokens) {
  public GainRule {
    if (minSharingDegree < 2) {
      throw new IllegalArgumentException("a group needs at least 2 members, got " + minSharingDegree);
    }
    if (!(waitPenalty >= 0) || !(overheadTokens >= 0)) {
      throw new IllegalArgumentException("wait penalty and overhead must be >= 0");
    }
  }

  /** Defaults: degree 2, half a prefill of waiting, one block of overhead. */
  public static GainRule defaultsFor(int blockSize) {
    return new GainRule(2, 0.5, blockSize);
  }

  /** Net prefill tokens saved by making the node a group (positive means worth it). */
  public double gain(long sharingDegree, int deltaTokens) {
    return (sharingDegree - 1 - waitPenalty) * deltaTokens - overheadTokens;
  }

  public boolean worthAGroup(long sharingDegree, int deltaTokens) {
    return sharingDegree >= minSharingDegree && deltaTokens > 0 && gain(sharingDegree, deltaTokens) > 0;
  }
}
