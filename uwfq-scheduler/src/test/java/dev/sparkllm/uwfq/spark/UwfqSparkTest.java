package dev.sparkllm.uwfq.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SchedulingMode;
import org.junit.jupiter.api.Test;

/** UWFQ in a real local[2] Spark, installed through spark.plugins. */
class UwfqSparkTest {
  private static final int BIG_JOBS = 4;

  private static SparkContext sc() {
    return SharedSpark.session().sparkContext();
  }

  @Test
  void pluginSwitchesToFairAndInstallsThePoolOnce() {
    SparkContext sc = sc();
    assertEquals(SchedulingMode.FAIR(), sc.getSchedulingMode());
    UwfqJobTracker tracker = UwfqInstaller.installed(sc).orElseThrow();
    assertSame(tracker, UwfqInstaller.install(sc).orElseThrow(), "installing twice is a no-op");
    assertEquals(1, sc.getAllPools().size());
  }

  @Test
  void poolNamesAreAcceptedWithoutStrayPools() {
    SparkContext sc = sc();
    Thread t = new Thread(() -> {
      sc.setLocalProperty("spark.scheduler.pool", "alice");
      SleepJobs.run(sc, System.nanoTime(), "alice", "pool-test", 2, 10);
    });
    t.start();
    assertDoesNotThrowJoin(t);
    assertEquals(1, sc.getAllPools().size(), "no pool 'alice' was created at the root");
    assertEquals("default", sc.getAllPools().head().name());
  }

  private static void assertDoesNotThrowJoin(Thread t) {
    try {
      t.join(60_000);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** One user floods with several jobs; a second user then submits one job of the same kind. */
  record Flood(List<SleepJobs.Timing> big, SleepJobs.Timing small) {
    long bigJobsFinishingAfterSmall() {
      return big.stream().filter(b -> b.finishedMs() > small.finishedMs()).count();
    }
  }

  private static Flood runFlood(SparkContext sc) throws Exception {
    SleepJobs.alignStageIds(sc, BIG_JOBS + 2);
    ExecutorService threads = Executors.newFixedThreadPool(BIG_JOBS + 1);
    try {
      long origin = System.nanoTime();
      List<Future<SleepJobs.Timing>> big = new ArrayList<>();
      for (int i = 0; i < BIG_JOBS; i++) {
        big.add(threads.submit(() -> SleepJobs.run(sc, origin, "big", "flood", 6, 200)));
      }
      Thread.sleep(400); // the flood is queued and running before the small user arrives
      SleepJobs.Timing small =
          threads.submit(() -> SleepJobs.run(sc, origin, "small", "one", 4, 200)).get();
      List<SleepJobs.Timing> bigTimings = new ArrayList<>();
      for (Future<SleepJobs.Timing> f : big) bigTimings.add(f.get());
      return new Flood(bigTimings, small);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void smallUsersJobOvertakesAFloodWithUwfqButNotWithStockFair() throws Exception {
    SparkContext sc = sc();
    Flood fair;
    assertTrue(UwfqInstaller.uninstall(sc));
    try {
      fair = runFlood(sc);
    } finally {
      UwfqInstaller.install(sc);
    }
    Flood uwfq = runFlood(sc);
    String report = String.format("FAIR: small %.0f ms, %d/%d big jobs after it; "
            + "UWFQ: small %.0f ms, %d/%d big jobs after it",
        fair.small.responseMs(), fair.bigJobsFinishingAfterSmall(), BIG_JOBS,
        uwfq.small.responseMs(), uwfq.bigJobsFinishingAfterSmall(), BIG_JOBS);
    System.out.println(report);
    assertTrue(uwfq.bigJobsFinishingAfterSmall() >= BIG_JOBS - 1, report);
    assertTrue(fair.bigJobsFinishingAfterSmall() <= 1, report);
    assertTrue(uwfq.small.responseMs() < fair.small.responseMs(), report);
  }
}
