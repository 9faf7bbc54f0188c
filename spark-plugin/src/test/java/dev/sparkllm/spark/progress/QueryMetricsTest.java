package dev.sparkllm.spark.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkllm.spark.testutil.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reading a query's llm_generate metrics after it ran, as the notebooks do from PySpark. */
class QueryMetricsTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SharedSpark.session();
  }

  /** Four prompts that share a long instruction, then a short question each. */
  private static Dataset<Row> sharedInstruction() {
    String instruction = "Answer the question with one word only, in lower case, without punctuation. "
        .repeat(3);
    String[] questions = {"sky colour?", "grass colour?", "snow colour?", "coal colour?"};
    List<String> values = new ArrayList<>();
    for (int i = 0; i < questions.length; i++) {
      values.add("(" + i + ", '" + instruction + questions[i] + "')");
    }
    return spark.sql("SELECT * FROM VALUES " + String.join(", ", values) + " AS t(id, prompt)");
  }

  @Test
  void metricsOfAnAdaptivePlanAreFoundAfterTheAction() {
    // GROUP BY adds a shuffle, so adaptive execution wraps the operator in a query stage. (Not
    // ORDER BY: its range partitioning samples the input first, which runs the model twice.)
    Dataset<Row> query = sharedInstruction()
        .selectExpr("id", "llm_generate(prompt, named_struct('max_tokens', 1, 'chat_template', false)) AS out")
        .groupBy("out.finish_reason").count();
    List<Row> counts = query.collectAsList();
    assertEquals(4L, counts.stream().mapToLong(r -> r.getLong(1)).sum());
    assertTrue(query.queryExecution().executedPlan() instanceof AdaptiveSparkPlanExec,
        "the test is meant to cover an adaptive plan");
    Map<String, Long> metrics = QueryMetrics.of(query);
    assertEquals(4L, metrics.get(LlmMetricNames.ROWS), metrics.toString());
    assertEquals(4L, metrics.get(LlmMetricNames.GENERATED_TOKENS), metrics.toString());
    assertTrue(metrics.get(LlmMetricNames.PROMPT_TOKENS) > 4 * 40, metrics.toString());
    assertEquals(1L, metrics.get("llm shared-prefix groups"), metrics.toString());
    assertTrue(metrics.get("llm prompt tokens shared (planned)") >= 3 * 32, metrics.toString());
    assertEquals(0L, metrics.get("llm rows with errors"), metrics.toString());
    assertTrue(metrics.keySet().stream().allMatch(name -> name.startsWith(QueryMetrics.PREFIX)));
  }

  @Test
  void aQueryWithoutLlmGenerateHasNoLlmMetrics() {
    Dataset<Row> query = spark.range(3).selectExpr("id * 2 AS x");
    assertEquals(3, query.collectAsList().size());
    assertTrue(QueryMetrics.of(query).isEmpty());
  }
}
