package dev.sparkllm.uwfq.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Mixes shaped like the authors' Google-trace window: many users of very different activity,
 * Poisson arrivals, heavy-tailed job sizes (Pareto), a few huge jobs among many small ones.
 * Small users are those whose total submitted work is below the median user's.
 *
 * <p>Defaults (chosen, not from the trace): 25 users whose arrival rates follow a Pareto(1.2)
 * spread; job work Pareto(1.3) with a 2 core-second minimum, capped at 4000; the arrival rate is
 * set so that the offered load is {@code load} of the cluster over the window.
 */
public final class TraceLikeWorkloadGenerator {
  private final int cores;
  private final int users;
  private final double windowSeconds;
  private final double load;
  private final double sizeAlpha;
  private final double minWork;
  private final double maxWork;

  public TraceLikeWorkloadGenerator(int cores, int users, double windowSeconds, double load,
                                    double sizeAlpha, double minWork, double maxWork) {
    this.cores = cores;
    this.users = users;
    this.windowSeconds = windowSeconds;
    this.load = load;
    this.sizeAlpha = sizeAlpha;
    this.minWork = minWork;
    this.maxWork = maxWork;
  }

  public static TraceLikeWorkloadGenerator defaults() {
    return new TraceLikeWorkloadGenerator(32, 25, 500, 0.8, 1.3, 2, 4000);
  }

  private double pareto(Random rng, double alpha, double xm) {
    return xm / Math.pow(1 - rng.nextDouble(), 1 / alpha);
  }

  /** Mean of Pareto(alpha, xm) truncated at max, by numeric integration of the tail. */
  private double meanWork() {
    Random r = new Random(42);
    double s = 0;
    int n = 200_000;
    for (int i = 0; i < n; i++) s += Math.min(maxWork, pareto(r, sizeAlpha, minWork));
    return s / n;
  }

  public Workload generate(String name, TaskSizing sizing, long seed) {
    Random rng = new Random(seed);
    double[] activity = new double[users];
    double total = 0;
    for (int u = 0; u < users; u++) {
      activity[u] = pareto(rng, 1.2, 1);
      total += activity[u];
    }
    double jobsPerSecond = load * cores / meanWork();
    List<SimJob> jobs = new ArrayList<>();
    Map<String, Double> workByUser = new HashMap<>();
    for (int u = 0; u < users; u++) {
      String user = String.format("user%02d", u);
      double rate = jobsPerSecond * activity[u] / total;
      double t = -Math.log(1 - rng.nextDouble()) / rate;
      workByUser.put(user, 0.0);
      while (t < windowSeconds) {
        double work = Math.min(maxWork, pareto(rng, sizeAlpha, minWork));
        jobs.add(new SimJob(user + "-" + jobs.size(), user, t, null,
            List.of(sizing.tasksFor(work, rng))));
        workByUser.merge(user, work, Double::sum);
        t += -Math.log(1 - rng.nextDouble()) / rate;
      }
    }
    double[] sorted = workByUser.values().stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    double median = sorted[sorted.length / 2];
    Set<String> small = new HashSet<>();
    workByUser.forEach((u, w) -> {
      if (w > 0 && w < median) small.add(u);
    });
    return new Workload(name, cores, jobs, small);
  }
}
