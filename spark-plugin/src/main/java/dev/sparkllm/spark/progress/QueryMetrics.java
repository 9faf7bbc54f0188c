package dev.sparkllm.spark.progress;

import dev.sparkllm.spark.ScalaInterop;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import scala.Tuple2;

/**
 * The llm_generate metrics of one query, read from its physical plan once an action has run it:
 * every metric whose name starts with {@code "llm "} (the ones in {@link LlmMetricNames} and those
 * the Spark UI shows: rows with errors, shared-prefix groups, planned shared prompt tokens, tasks,
 * engine time in ms), summed over all llm_generate operators of the plan.
 *
 * <p>For notebooks and other driver programs, PySpark included ({@code
 * spark._jvm.dev.sparkllm.spark.progress.QueryMetrics.of(df._jdf)} after {@code df.collect()}).
 * The values are those of the dataset's own execution: call it after an action on that same
 * dataset ({@code collect}, {@code count} on a new dataset plans a new query). Adaptive plans and
 * their query stages are looked into.
 */
public final class QueryMetrics {
  /** The prefix of every metric the llm_generate operator publishes. */
  public static final String PREFIX = "llm ";

  private QueryMetrics() {}

  /** The llm metrics of the dataset's executed plan, by name; empty when it has no llm_generate. */
  public static Map<String, Long> of(Dataset<?> dataset) {
    return of(dataset.queryExecution().executedPlan());
  }

  /** The llm metrics of a physical plan, summed over its nodes, by name. */
  public static Map<String, Long> of(SparkPlan plan) {
    Map<String, Long> values = new TreeMap<>();
    Deque<SparkPlan> pending = new ArrayDeque<>();
    pending.push(plan);
    while (!pending.isEmpty()) {
      SparkPlan node = pending.pop();
      for (Tuple2<String, SQLMetric> metric : ScalaInterop.list(node.metrics().toSeq())) {
        if (metric._1().startsWith(PREFIX)) {
          // Timing metrics start at -1 ("not set"); an unset metric counts as 0.
          values.merge(metric._1(), Math.max(0L, metric._2().value()), Long::sum);
        }
      }
      if (node instanceof AdaptiveSparkPlanExec adaptive) {
        pending.push(adaptive.executedPlan());
      } else if (node instanceof QueryStageExec stage) {
        pending.push(stage.plan());
      }
      // A ReusedExchangeExec is not followed: the exchange it reuses is in the plan elsewhere.
      ScalaInterop.list(node.children()).forEach(pending::push);
      ScalaInterop.list(node.subqueries()).forEach(pending::push);
    }
    return values;
  }
}
