package dev.sparkllm.planner;

import dev.sparkllm.planner.cost.CostModel;
import dev.sparkllm.planner.forest.PrefixForest;
import dev.sparkllm.planner.hash.BlockHasher;
import dev.sparkllm.planner.plan.Assignment;
import dev.sparkllm.planner.plan.Plan;
import dev.sparkllm.planner.plan.PlanBuilder;
import dev.sparkllm.planner.summary.SharedPrefixes;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Entry points. A job whose prompts are all in one JVM (one engine's queue, a test) plans with
 * {@link #plan}: an exact prefix forest, then groups, order, cost and packing. A distributed job
 * builds {@link dev.sparkllm.planner.summary.PrefixSummary PrefixSummaries} per partition, merges
 * and compacts them per shard, and plans with {@link #planFromShared}; both give the same groups
 * for the same prompts.
 */
public final class PrefixPlanner {
  private final PlannerConfig config;
  private final CostModel costModel;

  public PrefixPlanner(PlannerConfig config, CostModel costModel) {
    this.config = Objects.requireNonNull(config, "planner config");
    this.costModel = Objects.requireNonNull(costModel, "cost model");
  }

  /** An in-memory plan with every request placed; the forest is kept for its statistics. */
  public record InMemoryPlan(Plan plan, Map<String, Assignment> assignments, PrefixForest forest) {}

  /** Plans requests held in memory. Ids must be unique; an empty list gives an empty plan. */
  public InMemoryPlan plan(List<PlanRequest> requests, int partitions) {
    Objects.requireNonNull(requests, "requests");
    PrefixForest forest = new PrefixForest();
    for (PlanRequest request : requests) {
      Objects.requireNonNull(request, "a request is null");
      forest.add(request.tokens(), decodeEstimate(request));
    }
    // Duplicate ids are refused by assignAll, which needs them unique to place each request.
    Plan plan = new PlanBuilder(config, costModel)
        .build(forest.sharingTree(new BlockHasher(config.blockSize(), config.hashSeed())), partitions);
    return new InMemoryPlan(plan, plan.assignAll(requests), forest);
  }

  /** Plans a distributed job from the shared prefixes of all its shards. */
  public Plan planFromShared(SharedPrefixes shared, int partitions) {
    if (shared.blockSize() != config.blockSize() || shared.hashSeed() != config.hashSeed()) {
      throw new IllegalArgumentException("summaries were built with block size " + shared.blockSize()
          + " and another hash seed than this planner's block size " + config.blockSize());
    }
    return new PlanBuilder(config, costModel).build(shared.sharingTree(), partitions);
  }

  /** The decode estimate every summary and forest records, in whole tokens so sums are exact. */
  public long decodeEstimate(PlanRequest request) {
    return decodeEstimate(config, request.maxTokens(), request.expectedOutputTokens(), request.user());
  }

  public static long decodeEstimate(PlannerConfig config, int maxTokens, int expectedOutputTokens, String user) {
    double estimate = config.decodeEstimator().estimate(maxTokens, expectedOutputTokens, user);
    if (!(estimate >= 0) || Double.isInfinite(estimate)) {
      throw new IllegalStateException("decode estimator returned " + estimate + " for max_tokens " + maxTokens);
    }
    return Math.round(estimate);
  }

  public PlannerConfig config() {
    return config;
  }

  public CostModel costModel() {
    return costModel;
  }
}
