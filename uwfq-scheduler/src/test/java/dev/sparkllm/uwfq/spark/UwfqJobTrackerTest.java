package dev.sparkllm.uwfq.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkllm.uwfq.core.VirtualFairQueue;
import dev.sparkllm.uwfq.estimate.CompositeJobSizeEstimator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The Spark-free half of the adapter, with a hand-driven clock. */
class UwfqJobTrackerTest {
  private double now;
  private final CompositeJobSizeEstimator estimator = new CompositeJobSizeEstimator();
  private final UwfqJobTracker tracker =
      new UwfqJobTracker(new VirtualFairQueue(2), estimator, () -> now, () -> 2, "app");

  private static TaskSetInfo ts(int stage, int job, int tasks, String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) p.setProperty(kv[i], kv[i + 1]);
    return new TaskSetInfo(stage, 0, job, tasks, p);
  }

  @Test
  void lightUsersJobIsOrderedBeforeAHeavyUsersBacklog() {
    List<TaskSetInfo> sets = new ArrayList<>();
    for (int j = 0; j < 4; j++) sets.add(ts(j, j, 10, UserResolver.LLM_USER, "heavy"));
    sets.forEach(tracker::taskSetAdded);
    now = 1;
    TaskSetInfo light = ts(4, 4, 2, UserResolver.LLM_USER, "light");
    tracker.taskSetAdded(light);
    sets.add(light);
    sets.sort(tracker.currentOrder());
    assertEquals(4, sets.get(0).jobId());
    assertEquals("light", tracker.userOf(4));
  }

  @Test
  void laterStagesShareTheirJobsDeadline() {
    tracker.taskSetAdded(ts(0, 7, 4));
    double d = tracker.deadlineOf(7);
    tracker.taskSetAdded(ts(1, 7, 8));
    assertEquals(d, tracker.deadlineOf(7));
    assertEquals(1, tracker.trackedJobs());
  }

  @Test
  void explicitCostIsCalibratedByWhatJobsReallyCost() {
    tracker.taskSetAdded(ts(0, 1, 4, UwfqSettings.JOB_COST_PROPERTY, "10"));
    assertEquals(10, tracker.sizeOf(1), 1e-9);
    now = 5;
    tracker.jobEnded(1, 20); // the cost model was off by 2x
    tracker.taskSetAdded(ts(1, 2, 4, UwfqSettings.JOB_COST_PROPERTY, "10"));
    assertEquals(20, tracker.sizeOf(2), 1e-9);
    assertEquals(2.0, estimator.explicit().calibration(), 1e-9);
  }

  @Test
  void shapeHistoryRemembersEarlierRuns() {
    tracker.taskSetAdded(ts(0, 1, 3, "spark.job.description", "daily report"));
    tracker.jobEnded(1, 42);
    tracker.taskSetAdded(ts(1, 2, 3, "spark.job.description", "daily report"));
    assertEquals(42, tracker.sizeOf(2), 1e-9);
  }

  @Test
  void progressGrowsAnUnderestimatedJob() {
    tracker.taskSetAdded(ts(0, 1, 2, UwfqSettings.JOB_COST_PROPERTY, "1"));
    tracker.progress(1, 1.1); // within 25%: no churn
    assertEquals(1, tracker.sizeOf(1), 1e-9);
    tracker.progress(1, 30);
    assertEquals(30, tracker.sizeOf(1), 1e-9);
    assertTrue(tracker.deadlineOf(1) >= 30, "the deadline moved with the size");
  }

  @Test
  void settingsParseWeightsAndDefaults() {
    Map<String, String> conf = Map.of("spark.llm.uwfq.weight.alice", "3",
        "spark.llm.uwfq.graceSeconds", "1.5");
    UwfqSettings s = UwfqSettings.from(conf::get, conf);
    assertEquals(3.0, s.weights().get("alice"));
    assertEquals(1.5, s.graceSeconds());
    assertEquals(1.0, s.defaultTaskSeconds());
    assertTrue(s.enabled());
  }
}
