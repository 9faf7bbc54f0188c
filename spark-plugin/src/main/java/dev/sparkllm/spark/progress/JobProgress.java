package dev.sparkllm.spark.progress;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Follows the llm_generate metrics of running Spark jobs: on every successful task end it adds the
 * task's values of the operator's SQL metrics ({@link LlmMetricNames}) to running sums, so a driver
 * program or a notebook can ask {@link #snapshot()} how far a generation has come.
 *
 * <p>Metric updates only arrive when a task ends, so progress moves in steps of one task. Failed
 * task attempts are not counted: their rows are generated again by the retry, which is counted.
 *
 * <p>Use {@link #forJobTag} when other queries may run in the same application at the same time (a
 * notebook, a SQL gateway): only jobs carrying that tag ({@code SparkContext.addJobTag}) count.
 */
public final class JobProgress extends SparkListener implements AutoCloseable {
  /** The local property under which Spark passes a job's tags, comma-separated, to listeners. */
  private static final String JOB_TAGS_PROPERTY = "spark.job.tags";

  private final Optional<String> jobTag;
  private final Set<Integer> taggedStages = ConcurrentHashMap.newKeySet();
  private final ProgressCounters counters = new ProgressCounters();
  private final long startNanos = System.nanoTime();
  private volatile long rowsTotal;
  private volatile long rowsAtStart;
  private volatile SparkSession registeredWith;

  private JobProgress(Optional<String> jobTag) {
    this.jobTag = jobTag;
  }

  /** Counts every llm_generate task of the application. */
  public static JobProgress forAllJobs() {
    return new JobProgress(Optional.empty());
  }

  /** Counts only tasks of jobs that carry {@code tag}. */
  public static JobProgress forJobTag(String tag) {
    return new JobProgress(Optional.of(tag));
  }

  /** Starts listening on the session's SparkContext; {@link #close()} stops. */
  public JobProgress register(SparkSession spark) {
    spark.sparkContext().addSparkListener(this);
    registeredWith = spark;
    return this;
  }

  /**
   * Sets what the job has to do: {@code total} rows in the end, of which {@code alreadyDone} were
   * done (for example already in the output table) before this run started.
   */
  public void setTotals(long total, long alreadyDone) {
    this.rowsTotal = total;
    this.rowsAtStart = alreadyDone;
  }

  public ProgressSnapshot snapshot() {
    return new ProgressSnapshot(rowsAtStart + counters.rows(), rowsTotal, rowsAtStart,
        counters.promptTokens(), counters.generatedTokens(), counters.cachedTokens(),
        Duration.ofNanos(System.nanoTime() - startNanos));
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    if (jobTag.isEmpty() || jobStart.properties() == null) {
      return;
    }
    String tags = jobStart.properties().getProperty(JOB_TAGS_PROPERTY, "");
    if (Arrays.asList(tags.split(",")).contains(jobTag.get())) {
      for (Object stageId : CollectionConverters.asJava(jobStart.stageIds())) {
        taggedStages.add((Integer) stageId);
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (taskEnd.taskInfo() == null || !taskEnd.taskInfo().successful()) {
      return;
    }
    if (jobTag.isPresent() && !taggedStages.contains(taskEnd.stageId())) {
      return;
    }
    for (AccumulableInfo info : CollectionConverters.asJava(taskEnd.taskInfo().accumulables())) {
      if (info.name().isDefined() && info.update().isDefined()
          && LlmMetricNames.ALL.contains(info.name().get())
          && info.update().get() instanceof Number value) {
        counters.add(info.name().get(), value.longValue());
      }
    }
  }

  @Override
  public void close() {
    SparkSession spark = registeredWith;
    if (spark != null) {
      spark.sparkContext().removeSparkListener(this);
      registeredWith = null;
    }
  }
}
