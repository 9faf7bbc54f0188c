package dev.sparkllm.uwfq.spark;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Configuration keys (all optional), read from the application's SparkConf.
 *
 * <ul>
 *   <li>{@code spark.llm.uwfq.enabled} (true): the plugin installs the pool;
 *   <li>{@code spark.llm.uwfq.graceSeconds} (3.0): how long a user may drop out of the virtual
 *       system and keep its place;
 *   <li>{@code spark.llm.uwfq.defaultTaskSeconds} (1.0): core-seconds per task assumed for a job
 *       shape never seen, until tasks have been observed;
 *   <li>{@code spark.llm.uwfq.weight.<user>} (1.0): a user's weight.
 * </ul>
 *
 * And one local property: {@code spark.llm.job.cost}, a job's estimated cost in core-seconds (set
 * by the LLM operator from its cost model); it is calibrated against what such jobs really cost.
 */
public record UwfqSettings(boolean enabled, double graceSeconds, double defaultTaskSeconds,
                           Map<String, Double> weights) {
  public static final String PREFIX = "spark.llm.uwfq.";
  public static final String ENABLED = PREFIX + "enabled";
  public static final String GRACE_SECONDS = PREFIX + "graceSeconds";
  public static final String DEFAULT_TASK_SECONDS = PREFIX + "defaultTaskSeconds";
  public static final String WEIGHT_PREFIX = PREFIX + "weight.";
  /** Local property: a job's cost estimate in core-seconds (the explicit-size path). */
  public static final String JOB_COST_PROPERTY = "spark.llm.job.cost";

  public static UwfqSettings defaults() {
    return new UwfqSettings(true, 3.0, 1.0, Map.of());
  }

  /**
   * @param get looks a key up, null when unset
   * @param all every key/value pair (to find the per-user weights)
   */
  public static UwfqSettings from(Function<String, String> get, Map<String, String> all) {
    Map<String, Double> weights = new HashMap<>();
    all.forEach((k, v) -> {
      if (k.startsWith(WEIGHT_PREFIX) && k.length() > WEIGHT_PREFIX.length()) {
        double w = Double.parseDouble(v.trim());
        if (!(w > 0)) throw new IllegalArgumentException(k + " must be > 0, was " + v);
        weights.put(k.substring(WEIGHT_PREFIX.length()), w);
      }
    });
    return new UwfqSettings(
        Boolean.parseBoolean(orDefault(get.apply(ENABLED), "true")),
        Double.parseDouble(orDefault(get.apply(GRACE_SECONDS), "3.0")),
        Double.parseDouble(orDefault(get.apply(DEFAULT_TASK_SECONDS), "1.0")),
        Map.copyOf(weights));
  }

  private static String orDefault(String v, String d) {
    return v == null || v.isBlank() ? d : v.trim();
  }
}
