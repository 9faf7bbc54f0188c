package dev.sparkllm.spark.exec;

import dev.sparkllm.planner.plan.Plan;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.execution.metric.SQLMetric;

/**
 * The operator's Spark UI metrics. The display names are a contract: the job's progress reporter
 * sums these accumulators from finished tasks.
 */
final class OperatorMetrics implements Serializable {
  private static final long serialVersionUID = 1L;
  static final String ROWS = "llm rows";
  static final String PROMPT_TOKENS = "llm prompt tokens";
  static final String GENERATED_TOKENS = "llm generated tokens";
  static final String CACHED_TOKENS = "llm cached tokens";
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
