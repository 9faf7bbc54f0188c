package dev.sparkllm.uwfq.bench;

import dev.sparkllm.uwfq.spark.SleepJobs;
import dev.sparkllm.uwfq.spark.UwfqInstaller;
import dev.sparkllm.uwfq.spark.UwfqPlugin;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Real Spark on local[2]: two power users flood the application with bursts of parallel jobs
 * while two small users submit short jobs now and then; the same script runs under stock FAIR
 * and under UWFQ in the same SparkContext (the pool is swapped between rounds), alternating so
 * that warm-up does not favour either. Tasks sleep, so the machine's load hardly matters.
 *
 * <p>Prints per round and scheduler the small and power users' mean response, then one line
 * {@code SPARK key=value ...}. Usage: {@code SparkFairnessBench [rounds] [taskMillis]}.
 */
public final class SparkFairnessBench {
  private static final int BURSTS = 2;
  private static final double BURST_GAP_MS = 5000;
  private static final int JOBS_PER_BURST = 4;
  private static final int POWER_TASKS = 8;
  private static final int SMALL_TASKS = 2;
  private static final int SMALL_JOBS = 4;

  private SparkFairnessBench() {}

  record Round(List<SleepJobs.Timing> small, List<SleepJobs.Timing> power) {
    double smallMean() {
      return small.stream().mapToDouble(SleepJobs.Timing::responseMs).average().orElse(0);
    }

    double powerMean() {
      return power.stream().mapToDouble(SleepJobs.Timing::responseMs).average().orElse(0);
    }
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    long taskMs = args.length > 1 ? Long.parseLong(args[1]) : 150;
    SparkSession spark = SparkSession.builder().master("local[2]").appName("uwfq-bench")
        .config("spark.plugins", UwfqPlugin.class.getName())
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    SparkContext sc = spark.sparkContext();
    try {
      // Warm-up, so JIT and first-job costs land in no measured round.
      runRound(sc, taskMs / 5);
      List<Double> fairSmall = new ArrayList<>();
      List<Double> uwfqSmall = new ArrayList<>();
      List<Double> fairPower = new ArrayList<>();
      List<Double> uwfqPower = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        for (boolean uwfq : r % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
          if (uwfq) UwfqInstaller.install(sc);
          else UwfqInstaller.uninstall(sc);
          Round res = runRound(sc, taskMs);
          (uwfq ? uwfqSmall : fairSmall).add(res.smallMean());
          (uwfq ? uwfqPower : fairPower).add(res.powerMean());
          System.out.printf(Locale.ROOT, "round %d %-5s small_mean_ms=%.0f power_mean_ms=%.0f%n",
              r, uwfq ? "UWFQ" : "FAIR", res.smallMean(), res.powerMean());
        }
      }
      double fs = mean(fairSmall);
      double us = mean(uwfqSmall);
      System.out.printf(Locale.ROOT, "SPARK fair_small_mean_ms=%.0f uwfq_small_mean_ms=%.0f "
              + "small_mean_ratio=%.3f fair_power_mean_ms=%.0f uwfq_power_mean_ms=%.0f "
              + "power_mean_ratio=%.3f%n", fs, us, us / fs, mean(fairPower), mean(uwfqPower),
          mean(uwfqPower) / mean(fairPower));
    } finally {
      spark.stop();
    }
  }

  private static double mean(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /**
   * Power users p0, p1: {@value #BURSTS} bursts, {@value #BURST_GAP_MS} ms apart, of
   * {@value #JOBS_PER_BURST} parallel jobs of {@value #POWER_TASKS} tasks. Small users s0, s1:
   * {@value #SMALL_JOBS} jobs of {@value #SMALL_TASKS} tasks each, at fixed staggered times.
   */
  private static Round runRound(SparkContext sc, long taskMs) throws Exception {
    SleepJobs.alignStageIds(sc, 2 * BURSTS * JOBS_PER_BURST + 2 * SMALL_JOBS + 2);
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      long origin = System.nanoTime();
      List<Future<SleepJobs.Timing>> power = new ArrayList<>();
      List<Future<SleepJobs.Timing>> small = new ArrayList<>();
      for (int b = 0; b < BURSTS; b++) {
        for (int p = 0; p < 2; p++) {
          for (int j = 0; j < JOBS_PER_BURST; j++) {
            double at = b * BURST_GAP_MS + p * 100;
            String user = "power" + p;
            power.add(threads.submit(() -> {
              sleepUntil(origin, at);
              return SleepJobs.run(sc, origin, user, "burst", POWER_TASKS, taskMs);
            }));
          }
        }
      }
      for (int s = 0; s < 2; s++) {
        for (int j = 0; j < SMALL_JOBS; j++) {
          double at = 1000 + j * 2500 + s * 1200;
          String user = "small" + s;
          small.add(threads.submit(() -> {
            sleepUntil(origin, at);
            return SleepJobs.run(sc, origin, user, "lookup", SMALL_TASKS, taskMs);
          }));
        }
      }
      List<SleepJobs.Timing> sm = new ArrayList<>();
      for (Future<SleepJobs.Timing> f : small) sm.add(f.get());
      List<SleepJobs.Timing> pw = new ArrayList<>();
      for (Future<SleepJobs.Timing> f : power) pw.add(f.get());
      return new Round(sm, pw);
    } finally {
      threads.shutdownNow();
    }
  }

  private static void sleepUntil(long originNanos, double atMs) throws InterruptedException {
    long wait = (long) (atMs - (System.nanoTime() - originNanos) / 1e6);
    if (wait > 0) Thread.sleep(wait);
  }
}
