package dev.sparkllm.planner;

import dev.sparkllm.planner.estimate.DecodeLengthEstimator;
import dev.sparkllm.planner.group.GainRule;
import java.util.Objects;

/**
 * Settings of a plan.
 *
 * @param blockSize the engine's KV block size in tokens: shared prefixes are cut down to a
 *     multiple of it, because a KV block is the unit the engine can share
 * @param hashSeed key of the prefix fingerprints (see {@link dev.sparkllm.planner.hash.BlockHasher})
 * @param gainRule decides which shared prefixes become groups
 * @param decodeEstimator estimates output lengths for ordering and cost
 */
public record PlannerConfig(int blockSize, long hashSeed, GainRule gainRule, DecodeLengthEstimator decodeEstimator) {
  public static final int DEFAULT_BLOCK_SIZE = 16;

  public PlannerConfig {
    if (blockSize < 1 || blockSize > 4096) {
      throw new IllegalArgumentException("block size must be in [1, 4096], got " + blockSize);
    }
    Objects.requireNonNull(gainRule, "gain rule");
    Objects.requireNonNull(decodeEstimator, "decode estimator");
  }

  public static PlannerConfig defaults() {
    return withBlockSize(DEFAULT_BLOCK_SIZE);
  }

  public static PlannerConfig withBlockSize(int blockSize) {
    return new PlannerConfig(blockSize, 0L, GainRule.defaultsFor(blockSize), DecodeLengthEstimator.providedElseMaxTokens());
  }

  public PlannerConfig withGainRule(GainRule rule) {
    return new PlannerConfig(blockSize, hashSeed, rule, decodeEstimator);
  }

  public PlannerConfig withDecodeEstimator(DecodeLengthEstimator estimator) {
    return new PlannerConfig(blockSize, hashSeed, gainRule, estimator);
  }

  public PlannerConfig withHashSeed(long seed) {
    return new PlannerConfig(blockSize, seed, gainRule, decodeEstimator);
  }
}
