package dev.sparkllm.uwfq.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

/**
 * Measures what each Spark job really costs (summed executor run time of its tasks): while it
 * runs, to project its total and correct a too-small estimate; at its end, to feed the size
 * estimators and retire it from the virtual system. Listener events arrive asynchronously, which
 * is fine here: sizes are estimated synchronously at submission and only refined from here.
 */
public final class UwfqListener extends SparkListener {
  /** Per Spark job; touched only from the listener bus thread. */
  private static final class Progress {
    long submittedTasks;
    long finishedTasks;
    double runMillis;
  }

  private final UwfqJobTracker tracker;
  private final Map<Integer, Integer> jobOfStage = new ConcurrentHashMap<>();
  private final Map<Integer, Progress> progressOfJob = new ConcurrentHashMap<>();

  public UwfqListener(UwfqJobTracker tracker) {
    this.tracker = tracker;
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    progressOfJob.put(start.jobId(), new Progress());
    scala.collection.Iterator<StageInfo> it = start.stageInfos().iterator();
    while (it.hasNext()) jobOfStage.put(it.next().stageId(), start.jobId());
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
    Integer job = jobOfStage.get(submitted.stageInfo().stageId());
    Progress p = job == null ? null : progressOfJob.get(job);
    // Only stages that really run count: skipped stages would inflate the projection.
    if (p != null) p.submittedTasks += submitted.stageInfo().numTasks();
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    Integer job = jobOfStage.get(end.stageId());
    Progress p = job == null ? null : progressOfJob.get(job);
    if (p == null || end.taskMetrics() == null) return;
    p.finishedTasks++;
    p.runMillis += end.taskMetrics().executorRunTime();
    if (p.submittedTasks > 0) {
      double perTask = p.runMillis / 1000.0 / p.finishedTasks;
      tracker.progress(job, perTask * Math.max(p.submittedTasks, p.finishedTasks));
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    Progress p = progressOfJob.remove(end.jobId());
    jobOfStage.values().removeIf(j -> j == end.jobId());
    tracker.jobEnded(end.jobId(), p == null ? 0 : p.runMillis / 1000.0);
  }
}
