package dev.sparkllm.planner.estimate;

/**
 * Estimates how many tokens a request will generate, before it runs. Ordering (decode-heavy
 * groups first) and the cost model depend on it; the right answer depends on the workload, so it
 * is pluggable: {@link #maxTokens()} assumes every request runs to its limit (right for
 * {@code ignore_eos} benchmarks and classification with a tight limit),
 * {@link #providedElseMaxTokens()} trusts a caller's estimate when there is one, and
 * {@link CalibratedDecodeEstimator} learns the ratio of actual to maximum length per user.
 */
@FunctionalInterface
public interface DecodeLengthEstimator {
  double estimate(int maxTokens, int expectedOutputTokens, String user);

  static DecodeLengthEstimator maxTokens() {
    return (maxTokens, expected, user) -> maxTokens;
  }

  static DecodeLengthEstimator providedElseMaxTokens() {
    return (maxTokens, expected, user) -> expected >= 0 ? Math.min(expected, maxTokens) : maxTokens;
  }
}
