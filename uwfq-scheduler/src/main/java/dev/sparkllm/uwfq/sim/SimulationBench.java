package dev.sparkllm.uwfq.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Prints, per scenario and scheduler, the mean and 90th-percentile response time of the small
 * users' jobs and of all jobs, in seconds. The last line is machine-readable:
 * {@code SIM key=value ...} with small-user mean ratios of UWFQ(-P) against the others.
 *
 * <p>Usage: {@code SimulationBench [seeds]}; each scenario is run with that many seeds and the
 * jobs of all seeds are pooled.
 */
public final class SimulationBench {
  private SimulationBench() {}

  record Row(String scenario, String scheduler, ResponseTimeStats small, ResponseTimeStats all) {}

  public static void main(String[] args) {
    int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Map<String, BiFunction<TaskSizing, Long, Workload>> scenarios = new LinkedHashMap<>();
    scenarios.put("4_large", PaperScenarios::fourLargeUsers);
    scenarios.put("2_large_2_small", PaperScenarios::twoLargeTwoSmallUsers);
    scenarios.put("2_power_2_small", PaperScenarios::twoPowerTwoSmallUsers);
    scenarios.put("4_very_small", PaperScenarios::fourVerySmallUsers);
    TraceLikeWorkloadGenerator trace = TraceLikeWorkloadGenerator.defaults();
    scenarios.put("trace_like", (sizing, seed) -> trace.generate("trace_like", sizing, seed));

    List<Row> rows = new ArrayList<>();
    System.out.printf(Locale.ROOT, "%-16s %-7s %9s %9s %9s %9s%n",
        "scenario", "sched", "small_avg", "small_p90", "all_avg", "all_p90");
    for (var sc : scenarios.entrySet()) {
      for (Schedulers.Entry s : Schedulers.all()) {
        List<JobOutcome> pooled = new ArrayList<>();
        Set<String> small = new java.util.HashSet<>();
        for (long seed = 1; seed <= seeds; seed++) {
          TaskSizing sizing = s.partitioned()
              ? TaskSizing.partitioned(PaperScenarios.PARTITION_TARGET_SECONDS)
              : sc.getKey().equals("trace_like") ? TaskSizing.naturalByWork(4.0, 64, 0.5)
              : PaperScenarios.naturalSizing();
          Workload w = sc.getValue().apply(sizing, seed);
          // Per-seed user names are distinct so the small set of one seed cannot leak.
          for (JobOutcome o : ClusterSimulator.run(w, s.policy().apply(w.cores()))) {
            pooled.add(new JobOutcome(o.id(), seed + ":" + o.user(), o.arrival(), o.finish(),
                o.work()));
          }
          for (String u : w.smallUsers()) small.add(seed + ":" + u);
        }
        Row r = new Row(sc.getKey(), s.name(), ResponseTimeStats.ofUsers(pooled, small),
            ResponseTimeStats.overall(pooled));
        rows.add(r);
        System.out.printf(Locale.ROOT, "%-16s %-7s %9s %9s %9.2f %9.2f%n", r.scenario,
            r.scheduler, fmt(r.small.mean()), fmt(r.small.p90()), r.all.mean(), r.all.p90());
      }
    }
    StringBuilder line = new StringBuilder("SIM");
    for (String sc : List.of("2_large_2_small", "2_power_2_small", "trace_like")) {
      for (String base : List.of("FAIR", "UJF", "CFQ")) {
        line.append(String.format(Locale.ROOT, " %s_small_uwfq_over_%s=%.3f", sc,
            base.toLowerCase(Locale.ROOT),
            smallMean(rows, sc, "UWFQ") / smallMean(rows, sc, base)));
      }
      line.append(String.format(Locale.ROOT, " %s_small_uwfqp_over_fair=%.3f", sc,
          smallMean(rows, sc, "UWFQ-P") / smallMean(rows, sc, "FAIR")));
    }
    System.out.println(line);
  }

  private static double smallMean(List<Row> rows, String scenario, String scheduler) {
    return rows.stream().filter(r -> r.scenario.equals(scenario) && r.scheduler.equals(scheduler))
        .findFirst().orElseThrow().small.mean();
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }
}
