package dev.sparkllm.uwfq.estimate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Estimates jobs without a supplied cost from what earlier jobs of the same shape really cost.
 * Interactive workloads repeat themselves (the same notebook cell, the same dashboard query), so
 * the last few runs of a shape are a good predictor. A shape never seen falls back to its task
 * count times the average work per task observed over all jobs.
 */
public final class ShapeHistoryEstimator implements JobSizeEstimator {
  private final double alpha;
  private final int maxShapes;
  private final Ewma workPerTask;
  private final Map<String, Ewma> byShape;

  /**
   * @param alpha EWMA weight of a new observation of a shape
   * @param defaultWorkPerTask fallback work per task before anything was observed
   * @param maxShapes shapes remembered; the least recently used are forgotten (bounded memory in
   *     a long-running application)
   */
  public ShapeHistoryEstimator(double alpha, double defaultWorkPerTask, int maxShapes) {
    this.alpha = alpha;
    this.maxShapes = maxShapes;
    this.workPerTask = new Ewma(0.1, defaultWorkPerTask);
    this.byShape =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Ewma> eldest) {
            return size() > ShapeHistoryEstimator.this.maxShapes;
          }
        };
  }

  public ShapeHistoryEstimator() {
    this(0.3, 1.0, 10_000);
  }

  @Override
  public synchronized double estimate(JobProfile job) {
    Ewma seen = byShape.get(job.shapeKey());
    if (seen != null) return seen.value();
    return job.numTasks() * workPerTask.value();
  }

  @Override
  public synchronized void observe(JobProfile job, double estimatedWork, double actualWork) {
    if (!(actualWork > 0) || !Double.isFinite(actualWork)) return;
    byShape.computeIfAbsent(job.shapeKey(), k -> new Ewma(alpha, actualWork)).update(actualWork);
    workPerTask.update(actualWork / job.numTasks());
  }

  public synchronized boolean knows(String shapeKey) {
    return byShape.containsKey(shapeKey);
  }

  public synchronized double workPerTask() {
    return workPerTask.value();
  }
}
