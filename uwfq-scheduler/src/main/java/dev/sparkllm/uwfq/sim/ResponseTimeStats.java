package dev.sparkllm.uwfq.sim;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** Mean and 90th percentile of response times, over all jobs or one group of users. */
public record ResponseTimeStats(int jobs, double mean, double p90) {
  public static ResponseTimeStats of(Collection<JobOutcome> outcomes, Predicate<JobOutcome> which) {
    double[] rt = outcomes.stream().filter(which).mapToDouble(JobOutcome::responseTime).toArray();
    if (rt.length == 0) return new ResponseTimeStats(0, Double.NaN, Double.NaN);
    Arrays.sort(rt);
    double mean = Arrays.stream(rt).average().orElse(Double.NaN);
    // Nearest-rank percentile: the value 90% of jobs do not exceed.
    int idx = (int) Math.ceil(0.9 * rt.length) - 1;
    return new ResponseTimeStats(rt.length, mean, rt[Math.max(0, idx)]);
  }

  public static ResponseTimeStats overall(List<JobOutcome> outcomes) {
    return of(outcomes, o -> true);
  }

  public static ResponseTimeStats ofUsers(List<JobOutcome> outcomes, Set<String> users) {
    return of(outcomes, o -> users.contains(o.user()));
  }
}
