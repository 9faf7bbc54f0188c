package dev.sparkllm.uwfq.sim;

import dev.sparkllm.uwfq.partition.RuntimePartitioner;
import java.util.Random;

/**
 * How a job of a given work is cut into tasks. "Natural" is what Spark does without help: a task
 * count fixed by the input's partitioning, unrelated to the work, with skewed task sizes (the
 * authors' input was partitioned by pickup location). "Partitioned" is runtime partitioning:
 * balanced tasks of a target duration.
 */
public final class TaskSizing {
  private final boolean partitioned;
  private final double targetSeconds;
  private final int fixedTasks;
  private final double naturalTaskSeconds;
  private final int maxTasks;
  private final double skewSigma;

  private TaskSizing(boolean partitioned, double targetSeconds, int fixedTasks,
                     double naturalTaskSeconds, int maxTasks, double skewSigma) {
    this.partitioned = partitioned;
    this.targetSeconds = targetSeconds;
    this.fixedTasks = fixedTasks;
    this.naturalTaskSeconds = naturalTaskSeconds;
    this.maxTasks = maxTasks;
    this.skewSigma = skewSigma;
  }

  /** Every job has {@code tasks} tasks whatever its size; sizes log-normally skewed. */
  public static TaskSizing natural(int tasks, double skewSigma) {
    return new TaskSizing(false, 0, tasks, 0, tasks, skewSigma);
  }

  /** Task count grows with work (about {@code secondsPerTask} each) up to {@code maxTasks}. */
  public static TaskSizing naturalByWork(double secondsPerTask, int maxTasks, double skewSigma) {
    return new TaskSizing(false, 0, 0, secondsPerTask, maxTasks, skewSigma);
  }

  /** Runtime partitioning: {@link RuntimePartitioner#partitionCount} tasks of equal length. */
  public static TaskSizing partitioned(double targetSeconds) {
    return new TaskSizing(true, targetSeconds, 0, 0, 1 << 20, 0);
  }

  public boolean isPartitioned() {
    return partitioned;
  }

  public double[] tasksFor(double work, Random rng) {
    if (partitioned) {
      int n = RuntimePartitioner.partitionCount(work, targetSeconds, 1, maxTasks);
      double[] t = new double[n];
      java.util.Arrays.fill(t, work / n);
      return t;
    }
    int n = fixedTasks > 0 ? fixedTasks
        : (int) Math.max(1, Math.min(maxTasks, Math.round(work / naturalTaskSeconds)));
    double[] t = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      t[i] = Math.exp(skewSigma * rng.nextGaussian());
      sum += t[i];
    }
    for (int i = 0; i < n; i++) t[i] *= work / sum;
    return t;
  }
}
