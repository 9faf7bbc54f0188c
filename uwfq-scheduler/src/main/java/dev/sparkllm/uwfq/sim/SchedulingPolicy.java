package dev.sparkllm.uwfq.sim;

import java.util.List;

/** Picks which job's next task runs when a core frees. One instance per simulation run. */
public interface SchedulingPolicy {
  String name();

  default void jobArrived(RunnableJob job, double now) {}

  default void jobFinished(RunnableJob job, double now) {}

  /** @param candidates jobs that have a task ready in their current stage; never empty */
  RunnableJob pick(List<RunnableJob> candidates, double now);
}
