package dev.sparkllm.uwfq.sim;

/** What a policy may look at when it picks the job that gets a free core. */
public interface RunnableJob {
  SimJob job();

  /** Arrival order over the whole run (what Spark's job ids are). */
  long seq();

  double arrivalTime();

  int runningTasks();

  /** Running tasks of all jobs of this job's user, including jobs with nothing pending. */
  int runningTasksOfUser();

  int pendingTasksInStage();
}
