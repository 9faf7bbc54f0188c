package dev.sparkllm.spark.exec;

import dev.sparkllm.uwfq.spark.UwfqSettings;
import java.util.Properties;
import java.util.UUID;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * Tells the UWFQ scheduler what the generation job will cost, from the plan's cost model: the
 * local property {@code spark.llm.job.cost} (core-seconds) is set on the submitting thread for the
 * next job, and removed again when that job starts (Spark has copied it by then), so the user's
 * later jobs do not inherit it. {@code SparkContext.getLocalProperties} is {@code private[spark]}
 * (public in bytecode): the listener must clear the submitting thread's properties from another
 * thread, which the public getter and setter cannot do. This is the plugin's only such use.
 */
final class JobCostTag {
  private static final String OWNER = "spark.llm.job.cost.owner";

  private JobCostTag() {}

  static void tagNextJob(SparkContext sc, double engineSeconds) {
    // The engine uses every core of its executor, so a second of engine time is about that many core-seconds.
    double coreSeconds = engineSeconds * Math.max(1, sc.defaultParallelism());
    Properties properties = sc.getLocalProperties();
    String owner = UUID.randomUUID().toString();
    properties.setProperty(UwfqSettings.JOB_COST_PROPERTY, String.valueOf(coreSeconds));
    properties.setProperty(OWNER, owner);
    sc.addSparkListener(new SparkListener() {
      private int jobId = -1;

      @Override
      public void onJobStart(SparkListenerJobStart start) {
        if (jobId < 0 && start.properties() != null && owner.equals(start.properties().getProperty(OWNER))) {
          jobId = start.jobId();
          clear();
        }
      }

      @Override
      public void onJobEnd(SparkListenerJobEnd end) {
        if (end.jobId() == jobId) {
          sc.removeSparkListener(this);
        }
      }

      private void clear() {
        if (owner.equals(properties.getProperty(OWNER))) {
          properties.remove(UwfqSettings.JOB_COST_PROPERTY);
          properties.remove(OWNER);
        }
      }
    });
  }
}
