package dev.sparkllm.uwfq.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class EstimatorsTest {

  @Property(tries = 200)
  void explicitCostConvergesToTheObservedRatio(
      @ForAll @DoubleRange(min = 0.2, max = 5) double trueRatio,
      @ForAll @DoubleRange(min = 0.5, max = 100) double cost) {
    CalibratedCostEstimator e = new CalibratedCostEstimator(0.3, 1e-3);
    JobProfile job = JobProfile.ofCost("llm", cost, 4);
    assertEquals(cost, e.estimate(job), 1e-9, "uncalibrated: the supplied cost");
    for (int i = 0; i < 60; i++) e.observe(job, e.estimate(job), cost * trueRatio);
    assertEquals(cost * trueRatio, e.estimate(job), 1e-3 * cost * trueRatio);
  }

  @Test
  void oneOutlierCannotSwingTheCalibrationWildly() {
    CalibratedCostEstimator e = new CalibratedCostEstimator(0.5, 1e-3);
    JobProfile job = JobProfile.ofCost("llm", 10, 1);
    e.observe(job, 10, 10); // ratio 1
    e.observe(job, 10, 1e6);
    assertTrue(e.calibration() <= 1 + 0.5 * 9 + 1e-9);
  }

  @Test
  void historyIsKeyedByShapeWithTaskCountFallback() {
    ShapeHistoryEstimator h = new ShapeHistoryEstimator(0.5, 1.0, 100);
    JobProfile q1 = JobProfile.ofShape("report|s1|t8", 1, 8);
    JobProfile q2 = JobProfile.ofShape("adhoc|s1|t4", 1, 4);
    assertEquals(8.0, h.estimate(q1), 1e-12, "fallback: tasks x default work per task");
    h.observe(q1, 8, 40); // 5 per task
    assertEquals(40.0, h.estimate(q1), 1e-12);
    assertEquals(20.0, h.estimate(q2), 1e-12, "unknown shape uses the learned work per task");
    h.observe(q1, 40, 20);
    assertEquals(30.0, h.estimate(q1), 1e-12);
  }

  @Test
  void historyForgetsTheLeastRecentlyUsedShapes() {
    ShapeHistoryEstimator h = new ShapeHistoryEstimator(0.5, 1.0, 2);
    h.observe(JobProfile.ofShape("a", 1, 1), 1, 1);
    h.observe(JobProfile.ofShape("b", 1, 1), 1, 1);
    h.estimate(JobProfile.ofShape("a", 1, 1));
    h.observe(JobProfile.ofShape("c", 1, 1), 1, 1);
    assertTrue(h.knows("a") && h.knows("c") && !h.knows("b"));
  }

  @Test
  void compositeRoutesBySuppliedCost() {
    CompositeJobSizeEstimator e = new CompositeJobSizeEstimator();
    JobProfile llm = JobProfile.ofCost("llm", 10, 2);
    e.observe(llm, 10, 20);
    assertEquals(20.0, e.estimate(llm), 1e-9);
    assertEquals(2.0, e.explicit().calibration(), 1e-12);
    assertTrue(e.history().knows("llm"));
    // The costed job taught the history 10 work units per task.
    assertEquals(30.0, e.estimate(JobProfile.ofShape("other", 1, 3)), 1e-9,
        "non-LLM job uses the history's fallback");
  }
}
