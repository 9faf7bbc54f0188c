package dev.sparkllm.uwfq.sim;

import java.util.List;

/**
 * A job of the simulated cluster: stages run one after another, the tasks of a stage in parallel.
 *
 * @param arrival absolute arrival time, or, when {@code predecessor} is set, the think time after
 *     the predecessor finished (a user who waits for one job before submitting the next)
 * @param stages task durations in seconds on one core, per stage
 */
public record SimJob(String id, String user, double arrival, String predecessor,
                     List<double[]> stages) {
  public SimJob {
    if (stages.isEmpty()) throw new IllegalArgumentException("a job needs a stage");
    for (double[] s : stages) {
      if (s.length == 0) throw new IllegalArgumentException("a stage needs a task");
    }
  }

  /** Total core-seconds, what a perfect size estimator would report. */
  public double work() {
    double w = 0;
    for (double[] s : stages) for (double t : s) w += t;
    return w;
  }

  public int tasks() {
    int n = 0;
    for (double[] s : stages) n += s.length;
    return n;
  }
}
