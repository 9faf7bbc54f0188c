package dev.sparkllm.uwfq.estimate;

/**
 * The estimator a scheduler uses: a job that comes with a cost (LLM jobs) goes through the
 * calibrated explicit path, any other job through its shape's history. Both learn from every
 * finished job they are responsible for; the history also learns from costed jobs so that their
 * shapes are known if a later run comes without a cost.
 */
public final class CompositeJobSizeEstimator implements JobSizeEstimator {
  private final CalibratedCostEstimator explicit;
  private final ShapeHistoryEstimator history;

  public CompositeJobSizeEstimator(CalibratedCostEstimator explicit, ShapeHistoryEstimator history) {
    this.explicit = explicit;
    this.history = history;
  }

  public CompositeJobSizeEstimator() {
    this(new CalibratedCostEstimator(), new ShapeHistoryEstimator());
  }

  @Override
  public double estimate(JobProfile job) {
    return job.hasSuppliedCost() ? explicit.estimate(job) : history.estimate(job);
  }

  @Override
  public void observe(JobProfile job, double estimatedWork, double actualWork) {
    if (job.hasSuppliedCost()) explicit.observe(job, estimatedWork, actualWork);
    history.observe(job, estimatedWork, actualWork);
  }

  public CalibratedCostEstimator explicit() {
    return explicit;
  }

  public ShapeHistoryEstimator history() {
    return history;
  }
}
