package dev.sparkllm.uwfq.estimate;

/**
 * Exponentially weighted moving average. The first sample is taken as is, so one observation
 * already replaces the prior instead of being diluted by it.
 */
public final class Ewma {
  private final double alpha;
  private double value;
  private long samples;

  /** @param alpha weight of a new sample, in (0, 1]; larger forgets faster */
  public Ewma(double alpha, double initial) {
    if (!(alpha > 0 && alpha <= 1)) throw new IllegalArgumentException("alpha in (0,1]");
    this.alpha = alpha;
    this.value = initial;
  }

  public synchronized void update(double sample) {
    if (!Double.isFinite(sample)) return;
    value = samples == 0 ? sample : value + alpha * (sample - value);
    samples++;
  }

  public synchronized double value() {
    return value;
  }

  public synchronized long samples() {
    return samples;
  }
}
