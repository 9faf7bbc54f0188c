package dev.sparkllm.uwfq.spark;

import dev.sparkllm.uwfq.core.VirtualFairQueue;
import dev.sparkllm.uwfq.estimate.JobProfile;
import dev.sparkllm.uwfq.estimate.JobSizeEstimator;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;

/**
 * Connects Spark jobs to the virtual fair queue, without Spark types: a Spark job enters the
 * queue when its first task set is submitted (sized by the estimator, owned by the resolved user)
 * and leaves when the listener reports its end with what it really cost. Every stage of a job
 * carries the job's deadline, so a multi-stage job keeps its place between stages.
 *
 * <p>Thread-safe: the pool calls it under the task scheduler's lock, the listener from its own
 * thread.
 */
public final class UwfqJobTracker {
  /** Progress must beat the current size by this factor to revise it: a few revisions per job. */
  private static final double REVISE_FACTOR = 1.25;

  private static final class TrackedJob {
    final String key;
    final String user;
    final JobProfile profile;
    final double estimate;
    double currentSize;

    TrackedJob(String key, String user, JobProfile profile, double estimate) {
      this.key = key;
      this.user = user;
      this.profile = profile;
      this.estimate = estimate;
      this.currentSize = estimate;
    }
  }

  private final VirtualFairQueue queue;
  private final JobSizeEstimator estimator;
  private final DoubleSupplier clockSeconds;
  private final IntSupplier cores;
  private final String sparkUser;
  private final Map<Integer, TrackedJob> jobs = new HashMap<>();

  public UwfqJobTracker(VirtualFairQueue queue, JobSizeEstimator estimator,
                        DoubleSupplier clockSeconds, IntSupplier cores, String sparkUser) {
    this.queue = queue;
    this.estimator = estimator;
    this.clockSeconds = clockSeconds;
    this.cores = cores;
    this.sparkUser = sparkUser;
  }

  public synchronized void taskSetAdded(TaskSetInfo ts) {
    if (jobs.containsKey(ts.jobId())) return;
    double now = clockSeconds.getAsDouble();
    int c = cores.getAsInt();
    if (c > 0 && c != queue.capacity()) queue.setCapacity(c, now);
    String user = UserResolver.resolve(ts.properties(), sparkUser);
    JobProfile profile = profileOf(ts);
    double estimate = estimator.estimate(profile);
    String key = "job-" + ts.jobId();
    queue.submit(key, user, estimate, now);
    jobs.put(ts.jobId(), new TrackedJob(key, user, profile, estimate));
  }

  /**
   * The running job's tasks so far project a total of {@code projectedCoreSeconds}. An estimate
   * that was too small would keep the job's deadline in the past, ahead of every newcomer, until
   * it ends; growing it as soon as progress shows the truth bounds the damage of a bad guess.
   */
  public synchronized void progress(int jobId, double projectedCoreSeconds) {
    TrackedJob j = jobs.get(jobId);
    if (j == null || !(projectedCoreSeconds > j.currentSize * REVISE_FACTOR)) return;
    j.currentSize = projectedCoreSeconds;
    queue.revise(j.key, projectedCoreSeconds, clockSeconds.getAsDouble());
  }

  /** The Spark job ended (any result); {@code actualCoreSeconds} is its summed task run time. */
  public synchronized void jobEnded(int jobId, double actualCoreSeconds) {
    TrackedJob j = jobs.remove(jobId);
    if (j == null) return;
    double now = clockSeconds.getAsDouble();
    if (actualCoreSeconds > 0) {
      queue.finish(j.key, now, actualCoreSeconds);
      estimator.observe(j.profile, j.estimate, actualCoreSeconds);
    } else {
      queue.finish(j.key, now);
    }
  }

  /** Earliest global virtual deadline first; then Spark's own FIFO order (job, then stage). */
  public synchronized Comparator<TaskSetInfo> currentOrder() {
    queue.advanceTo(clockSeconds.getAsDouble());
    Map<Integer, Double> deadline = new HashMap<>();
    for (var e : jobs.entrySet()) {
      deadline.put(e.getKey(), queue.deadline(e.getValue().key).orElse(Double.MAX_VALUE));
    }
    return Comparator.<TaskSetInfo>comparingDouble(
            t -> deadline.getOrDefault(t.jobId(), Double.MAX_VALUE))
        .thenComparingInt(TaskSetInfo::jobId)
        .thenComparingInt(TaskSetInfo::stageId);
  }

  public synchronized String userOf(int jobId) {
    TrackedJob j = jobs.get(jobId);
    return j == null ? null : j.user;
  }

  public synchronized double deadlineOf(int jobId) {
    TrackedJob j = jobs.get(jobId);
    return j == null ? Double.NaN : queue.deadline(j.key).orElse(Double.NaN);
  }

  /** The job's current size in the virtual system (its estimate, or what progress showed). */
  public synchronized double sizeOf(int jobId) {
    TrackedJob j = jobs.get(jobId);
    return j == null ? Double.NaN : j.currentSize;
  }

  public synchronized void setWeight(String user, double weight) {
    queue.setWeight(user, weight, clockSeconds.getAsDouble());
  }

  public synchronized int trackedJobs() {
    return jobs.size();
  }

  /**
   * Jobs of the same shape cost about the same: the label (description, else call site) plus the
   * first stage's task count. A job that states its cost goes through the calibrated path.
   */
  static JobProfile profileOf(TaskSetInfo ts) {
    Properties p = ts.properties();
    String label = null;
    double cost = Double.NaN;
    if (p != null) {
      label = firstNonEmpty(p.getProperty("spark.job.description"),
          p.getProperty("callSite.short"), p.getProperty("spark.jobGroup.id"));
      String c = p.getProperty(UwfqSettings.JOB_COST_PROPERTY);
      if (c != null) {
        try {
          cost = Double.parseDouble(c.trim());
        } catch (NumberFormatException ignored) {
          // A malformed hint is no hint; the job is sized by its shape instead.
        }
      }
    }
    String shape = (label == null ? "?" : label) + "|tasks=" + ts.numTasks();
    return new JobProfile(shape, cost, 1, ts.numTasks());
  }

  private static String firstNonEmpty(String... xs) {
    for (String x : xs) if (x != null && !x.isBlank()) return x;
    return null;
  }
}
