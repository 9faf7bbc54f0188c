package dev.sparkllm.planner.estimate;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Learns, per user, what fraction of {@code max_tokens} requests really generate (an
 * exponentially weighted mean of actual/max over finished requests) and estimates
 * {@code fraction * max_tokens}. A provided estimate still wins. Before a user has any
 * observation, the global fraction is used, and before anything is observed, {@code prior}.
 * Thread-safe: the engine reports finished requests from many threads.
 */
public final class CalibratedDecodeEstimator implements DecodeLengthEstimator {
  private final double prior;
  private final double smoothing;
  private final ConcurrentMap<String, double[]> fractionByUser = new ConcurrentHashMap<>();
  private final double[] globalFraction = {Double.NaN};

  /**
   * @param prior fraction assumed before any observation, in (0, 1]
   * @param smoothing weight of each new observation, in (0, 1]
   */
  public CalibratedDecodeEstimator(double prior, double smoothing) {
    if (!(prior > 0 && prior <= 1)) {
      throw new IllegalArgumentException("prior fraction must be in (0, 1], got " + prior);
    }
    if (!(smoothing > 0 && smoothing <= 1)) {
      throw new IllegalArgumentException("smoothing must be in (0, 1], got " + smoothing);
    }
    this.prior = prior;
    this.smoothing = smoothing;
  }

  /** Records that a request with this limit generated {@code actualTokens}. */
  public void observe(int maxTokens, int actualTokens, String user) {
    if (maxTokens <= 0) {
      return;
    }
    double fraction = Math.min(1.0, Math.max(0.0, actualTokens / (double) maxTokens));
    update(fractionByUser.computeIfAbsent(user, u -> new double[] {Double.NaN}), fraction);
    update(globalFraction, fraction);
  }

  private void update(double[] cell, double fraction) {
    synchronized (cell) {
      cell[0] = Double.isNaN(cell[0]) ? fraction : cell[0] + smoothing * (fraction - cell[0]);
    }
  }

  public double fraction(String user) {
    double[] cell = fractionByUser.get(user);
    double own = cell == null ? Double.NaN : read(cell);
    if (!Double.isNaN(own)) {
      return own;
    }
    double global = read(globalFraction);
    return Double.isNaN(global) ? prior : global;
  }

  private static double read(double[] cell) {
    synchronized (cell) {
      return cell[0];
    }
  }

  @Override
  public double estimate(int maxTokens, int expectedOutputTokens, String user) {
    if (expectedOutputTokens >= 0) {
      return Math.min(expectedOutputTokens, maxTokens);
    }
    return fraction(user) * maxTokens;
  }
}
