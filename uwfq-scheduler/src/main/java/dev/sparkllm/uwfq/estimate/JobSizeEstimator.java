package dev.sparkllm.uwfq.estimate;

/**
 * Turns what is known about a job at submission into its size in work units, and learns from
 * what jobs really cost. Implementations must be thread-safe: Spark estimates under the scheduler
 * lock and observes from the listener thread.
 */
public interface JobSizeEstimator {
  /** Estimated work of the job; always positive and finite. */
  double estimate(JobProfile job);

  /**
   * The job ran and really cost {@code actualWork}. {@code estimatedWork} is what {@link
   * #estimate} said at submission.
   */
  default void observe(JobProfile job, double estimatedWork, double actualWork) {}
}
