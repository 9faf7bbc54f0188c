package dev.sparkllm.spark.exec;

import dev.sparkllm.planner.plan.Plan;
import dev.sparkllm.spark.progress.LlmMetricNames;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.execution.metric.SQLMetric;

/**
 * The operator's Spark UI metrics. The names progress reporting reads are spelled in
 * {@link LlmMetricNames}; the others are for people reading the Spark UI.
 */
final class OperatorMetrics implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String ROWS = LlmMetricNames.ROWS;
  static final String PROMPT_TOKENS = LlmMetricNames.PROMPT_TOKENS;
  static final String GENERATED_TOKENS = LlmMetricNames.GENERATED_TOKENS;
  static final String CACHED_TOKENS = LlmMetricNames.CACHED_TOKENS;
  static final String ERRORS = "llm rows with errors";
  static final String GROUPS = "llm shared-prefix groups";
  static final String PLANNED_SHARED = "llm prompt tokens shared (planned)";
  static final String PARTITIONS = "llm tasks (runtime partitioning)";
  static final String ENGINE_TIME = "llm engine time";
  static final List<String> NAMES = List.of(ROWS, PROMPT_TOKENS, GENERATED_TOKENS, CACHED_TOKENS, ERRORS, GROUPS,
      PLANNED_SHARED, PARTITIONS);

  private final Map<String, SQLMetric> metrics;

  OperatorMetrics(Map<String, SQLMetric> metrics) {
    this.metrics = Map.copyOf(metrics);
  }

  void add(String name, long value) {
    SQLMetric metric = metrics.get(name);
    if (metric != null) {
      metric.add(value);
    }
  }

  void recordPlan(Plan plan) {
    add(GROUPS, plan.groups().size());
    add(PLANNED_SHARED, plan.savedPrefillTokens());
    add(PARTITIONS, plan.partitions());
  }
}
