package dev.sparkllm.uwfq.estimate;

/**
 * The explicit-size path: the caller supplies a cost (an LLM job's cost from its token counts, in
 * seconds of engine work as the cost model predicts them), and this scales it by the observed
 * actual/predicted ratio. Cost models are right about relative sizes long before they are right
 * about absolute seconds on a given machine, so one learned factor fixes most of the error.
 */
public final class CalibratedCostEstimator implements JobSizeEstimator {
  /** Outliers (a cold cache, a preempted executor) must not swing the factor by more than this. */
  private static final double MAX_STEP_RATIO = 10;

  private final Ewma ratio;
  private final double minWork;

  /**
   * @param alpha EWMA weight of a new actual/predicted sample
   * @param minWork floor on an estimate, so a zero-cost claim cannot jump every queue
   */
  public CalibratedCostEstimator(double alpha, double minWork) {
    this.ratio = new Ewma(alpha, 1.0);
    this.minWork = minWork;
  }

  public CalibratedCostEstimator() {
    this(0.2, 1e-3);
  }

  @Override
  public double estimate(JobProfile job) {
    if (!job.hasSuppliedCost()) {
      throw new IllegalArgumentException("no supplied cost for " + job.shapeKey());
    }
    return Math.max(minWork, job.suppliedCost() * ratio.value());
  }

  @Override
  public void observe(JobProfile job, double estimatedWork, double actualWork) {
    if (!job.hasSuppliedCost() || !(actualWork > 0)) return;
    double r = actualWork / job.suppliedCost();
    double current = ratio.value();
    r = Math.max(current / MAX_STEP_RATIO, Math.min(current * MAX_STEP_RATIO, r));
    ratio.update(r);
  }

  /** Current actual/predicted factor (1.0 until something was observed). */
  public double calibration() {
    return ratio.value();
  }
}
