package dev.sparkllm.uwfq.estimate;

/**
 * What is known about a job when it is submitted, before it has run.
 *
 * @param shapeKey jobs with the same key are expected to cost about the same (for Spark: job
 *     description or call site plus stage and task counts)
 * @param suppliedCost the caller's own cost estimate in work units (an LLM job's cost from its
 *     token counts), or NaN when there is none
 * @param numStages stages known at submission (at least 1)
 * @param numTasks tasks known at submission (at least 1)
 */
public record JobProfile(String shapeKey, double suppliedCost, int numStages, int numTasks) {
  public JobProfile {
    if (shapeKey == null) shapeKey = "";
    numStages = Math.max(1, numStages);
    numTasks = Math.max(1, numTasks);
  }

  public static JobProfile ofShape(String shapeKey, int numStages, int numTasks) {
    return new JobProfile(shapeKey, Double.NaN, numStages, numTasks);
  }

  /** An explicitly sized job, e.g. an LLM job whose planner computed its cost. */
  public static JobProfile ofCost(String shapeKey, double cost, int numTasks) {
    return new JobProfile(shapeKey, cost, 1, numTasks);
  }

  public boolean hasSuppliedCost() {
    return suppliedCost > 0 && Double.isFinite(suppliedCost);
  }
}
