package dev.sparkllm.uwfq.sim;

import java.util.Comparator;
import java.util.List;

/**
 * FAIR pools per user (the authors' UJF): the user with the fewest running tasks gets the core,
 * then FAIR among that user's jobs. Fair between users at every instant, but with no memory: a
 * user who ran alone for an hour is not held back afterwards, and small jobs get no priority.
 */
public final class UserFairPolicy implements SchedulingPolicy {
  private static final Comparator<RunnableJob> ORDER =
      Comparator.comparingInt(RunnableJob::runningTasksOfUser)
          .thenComparing(j -> j.job().user())
          .thenComparing(JobFairPolicy.FEWEST_RUNNING);

  @Override
  public String name() {
    return "UJF";
  }

  @Override
  public RunnableJob pick(List<RunnableJob> candidates, double now) {
    return candidates.stream().min(ORDER).orElseThrow();
  }
}
