package dev.sparkllm.uwfq.sim;

import java.util.Comparator;
import java.util.List;

/**
 * Spark's FAIR mode with every job in one pool: the job with the fewest running tasks gets the
 * core (weight 1, minShare 0), ties to the older job. Spark breaks ties by task-set name, which is
 * the stage id as a string; the older-job rule is that without the lexicographic quirks.
 */
public final class JobFairPolicy implements SchedulingPolicy {
  static final Comparator<RunnableJob> FEWEST_RUNNING =
      Comparator.comparingInt(RunnableJob::runningTasks).thenComparingLong(RunnableJob::seq);

  @Override
  public String name() {
    return "FAIR";
  }

  @Override
  public RunnableJob pick(List<RunnableJob> candidates, double now) {
    return candidates.stream().min(FEWEST_RUNNING).orElseThrow();
  }
}
