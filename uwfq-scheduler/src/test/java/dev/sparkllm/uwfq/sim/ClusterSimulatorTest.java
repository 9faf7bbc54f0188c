package dev.sparkllm.uwfq.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ClusterSimulatorTest {
  private static double[] tasks(int n, double each) {
    double[] t = new double[n];
    java.util.Arrays.fill(t, each);
    return t;
  }

  private static Map<String, Double> finishById(List<JobOutcome> out) {
    return out.stream().collect(Collectors.toMap(JobOutcome::id, JobOutcome::finish));
  }

  @Test
  void stagesRunInOrderAndTasksNeverPreempted() {
    SimJob j = new SimJob("j", "u", 0, null, List.of(tasks(4, 1.0), tasks(1, 0.5)));
    List<JobOutcome> out = ClusterSimulator.run(new Workload("w", 2, List.of(j), Set.of()),
        new FifoPolicy());
    assertEquals(2.5, out.get(0).finish(), 1e-12);
  }

  @Test
  void sequentialJobsWaitForTheirPredecessor() {
    SimJob a = new SimJob("a", "u", 1, null, List.<double[]>of(tasks(1, 2)));
    SimJob b = new SimJob("b", "u", 0.5, "a", List.<double[]>of(tasks(1, 1)));
    Map<String, Double> f = finishById(ClusterSimulator.run(
        new Workload("w", 4, List.of(a, b), Set.of()), new FifoPolicy()));
    assertEquals(3.0, f.get("a"), 1e-12);
    assertEquals(4.5, f.get("b"), 1e-12);
  }

  @Test
  void uwfqServesALateSmallUserBeforeAFloodFifoDoesNot() {
    List<SimJob> jobs = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) jobs.add(new SimJob("big" + i, "big", 0, null, List.of(tasks(8, 1))));
    jobs.add(new SimJob("small", "small", 0.5, null, List.of(tasks(2, 1))));
    Workload w = new Workload("w", 2, jobs, Set.of("small"));
    double fifo = finishById(ClusterSimulator.run(w, new FifoPolicy())).get("small");
    double uwfq = finishById(ClusterSimulator.run(w, VirtualQueuePolicy.uwfq(2))).get("small");
    assertEquals(21, fifo, 1e-9, "behind all 40 tasks of the flood");
    assertTrue(uwfq <= 2.0 + 1e-9, "next free cores go to the small user: " + uwfq);
  }

  @Test
  void inThePowerUserScenarioUwfqProtectsSmallUsersLikeUserPoolsAndBeatsFairAndCfq() {
    Workload w = PaperScenarios.twoPowerTwoSmallUsers(PaperScenarios.naturalSizing(), 7);
    double fair = small(w, new JobFairPolicy());
    double cfq = small(w, VirtualQueuePolicy.cfq(w.cores()));
    double ujf = small(w, new UserFairPolicy());
    double uwfq = small(w, VirtualQueuePolicy.uwfq(w.cores()));
    assertTrue(uwfq < 0.3 * fair && uwfq < 0.3 * cfq, "uwfq " + uwfq + " fair " + fair + " cfq " + cfq);
    assertTrue(uwfq < 1.5 * ujf, "uwfq " + uwfq + " ujf " + ujf);
  }

  private static double small(Workload w, SchedulingPolicy p) {
    return ResponseTimeStats.ofUsers(ClusterSimulator.run(w, p), w.smallUsers()).mean();
  }

  @Test
  void traceLikeMixIsHeavyTailedWithSmallUsers() {
    Workload w = TraceLikeWorkloadGenerator.defaults().generate("t", TaskSizing.partitioned(0.5), 3);
    double[] work = w.jobs().stream().mapToDouble(SimJob::work).sorted().toArray();
    double median = work[work.length / 2];
    double max = work[work.length - 1];
    assertTrue(w.jobs().size() > 50);
    assertTrue(max > 50 * median, "heavy tail: max " + max + " median " + median);
    assertTrue(!w.smallUsers().isEmpty());
  }

  @Test
  void statsArePercentilesOfResponseTimes() {
    List<JobOutcome> out = new java.util.ArrayList<>();
    for (int i = 1; i <= 10; i++) out.add(new JobOutcome("j" + i, "u", 0, i, 1));
    ResponseTimeStats s = ResponseTimeStats.overall(out);
    assertEquals(5.5, s.mean(), 1e-12);
    assertEquals(9, s.p90(), 1e-12);
  }
}
