package dev.sparkllm.uwfq.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Jobs whose tasks sleep: their length does not depend on how loaded the machine is, so the order
 * in which the scheduler runs them is what the timings show.
 */
public final class SleepJobs {
  /** When a job was submitted and when it returned, in ms since the scenario's origin. */
  public record Timing(String user, double submittedMs, double finishedMs) {
    public double responseMs() {
      return finishedMs - submittedMs;
    }
  }

  private SleepJobs() {}

  /** Runs one job of {@code tasks} tasks of {@code taskMillis} ms as {@code user}, blocking. */
  public static Timing run(SparkContext sc, long originNanos, String user, String label,
                           int tasks, long taskMillis) {
    sc.setLocalProperty(UserResolver.LLM_USER, user);
    sc.setJobDescription(label);
    double submitted = (System.nanoTime() - originNanos) / 1e6;
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < tasks; i++) items.add(i);
    JavaSparkContext.fromSparkContext(sc).parallelize(items, tasks).foreach(x -> Thread.sleep(taskMillis));
    double finished = (System.nanoTime() - originNanos) / 1e6;
    return new Timing(user, submitted, finished);
  }

  /**
   * Stock FAIR breaks ties by task-set name, i.e. by stage id as a string, so "TaskSet_10" sorts
   * before "TaskSet_9". Runs empty jobs until the next {@code stages} stage ids have as many digits
   * as each other, so FAIR's tie-break is plain submission order in what follows.
   */
  public static void alignStageIds(SparkContext sc, int stages) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    while (true) {
      int next = jsc.parallelize(List.of(0), 1).map(x -> TaskContext.get().stageId()).collect()
          .get(0) + 1;
      if (next >= 10 && String.valueOf(next).length() == String.valueOf(next + stages).length()) {
        return;
      }
    }
  }
}
