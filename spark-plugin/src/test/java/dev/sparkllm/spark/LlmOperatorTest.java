package dev.sparkllm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.runtime.GenerationResult;
import dev.sparkllm.engine.sampling.SamplingParams;
import dev.sparkllm.spark.engine.ExecutorEngines;
import dev.sparkllm.spark.testutil.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator's behaviour beyond SQL: plans, metrics, the shared engine, agreement with the engine alone. */
class LlmOperatorTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SharedSpark.session();
  }

  /** Eight prompts sharing a long instruction, then a short question each. */
  private static Dataset<Row> sharedPrefixPrompts() {
    String instruction = "Read the question and answer with one word only, in lower case, without punctuation. "
        .repeat(3);
    List<String> values = new ArrayList<>();
    String[] questions = {"sky colour?", "grass colour?", "snow colour?", "sun colour?", "sea colour?",
        "night colour?", "blood colour?", "coal colour?"};
    for (int i = 0; i < questions.length; i++) {
      values.add("(" + i + ", '" + instruction + questions[i] + "')");
    }
    return spark.sql("SELECT * FROM VALUES " + String.join(", ", values) + " AS t(id, prompt)");
  }

  @Test
  void sharedPrefixesBecomeGroupsAndMetricsAreReported() {
    spark.conf().set("spark.sql.adaptive.enabled", "false"); // the operator's metrics on the plan tree itself
    try {
      Dataset<Row> query = sharedPrefixPrompts().selectExpr("id",
          "llm_generate(prompt, named_struct('max_tokens', 1, 'chat_template', false)) AS out");
      List<Row> rows = query.collectAsList();
      assertEquals(8, rows.size());
      rows.forEach(r -> assertNull(r.getStruct(1).getAs("error")));
      Map<String, Long> metrics = operatorMetrics(query.queryExecution().executedPlan());
      assertEquals(8L, metrics.get("llm rows"));
      assertEquals(1L, metrics.get("llm shared-prefix groups"), "the instruction is one group");
      assertTrue(metrics.get("llm prompt tokens shared (planned)") >= 7 * 48, metrics.toString());
      assertEquals(8L, metrics.get("llm generated tokens"));
      assertTrue(metrics.get("llm prompt tokens") > 8 * 48);
      // The engine computes the instruction once per task holding the group; the others find it.
      long cached = rows.stream().mapToLong(r -> r.getStruct(1).<Integer>getAs("cached_tokens")).sum();
      assertTrue(cached >= 6 * 48, "cached tokens " + cached);
      assertEquals(cached, metrics.get("llm cached tokens"));
    } finally {
      spark.conf().unset("spark.sql.adaptive.enabled");
    }
  }

  private static Map<String, Long> operatorMetrics(SparkPlan plan) {
    List<SparkPlan> stack = new ArrayList<>(List.of(plan));
    while (!stack.isEmpty()) {
      SparkPlan node = stack.remove(stack.size() - 1);
      if (node.nodeName().equals("LlmGenerate")) {
        Map<String, Long> values = new java.util.TreeMap<>();
        for (Map.Entry<String, SQLMetric> e : ScalaInterop.list(node.metrics().toSeq()).stream()
            .map(t -> Map.entry(t._1(), t._2())).toList()) {
          values.put(e.getKey(), e.getValue().value());
        }
        return values;
      }
      stack.addAll(ScalaInterop.list(node.children()));
    }
    throw new AssertionError("no LlmGenerate operator in\n" + plan);
  }

  /**
   * Without the chat template a prompt's special-token text becomes the special tokens unless
   * parse_special is false. The counts are llama.cpp's for this text on the same GGUF file
   * (gpu-executor's tokenizer-reference/smollm2.jsonl): 4 tokens parsed, 10 as plain text.
   */
  @Test
  void rawPromptsParseSpecialTokensUnlessTheOptionSaysNo() {
    Row out = spark.sql("SELECT "
        + "llm_generate('<|im_start|>assistant\\n', named_struct('max_tokens', 1, 'chat_template', false)) AS parsed, "
        + "llm_generate('<|im_start|>assistant\\n', named_struct('max_tokens', 1, 'chat_template', false, "
        + "'parse_special', false)) AS text").collectAsList().get(0);
    assertEquals(4, out.getStruct(0).<Integer>getAs("prompt_tokens"));
    assertEquals(10, out.getStruct(1).<Integer>getAs("prompt_tokens"));
  }

  /**
   * logprobs through SQL: one entry per generated token, the sampled token's logprob <= 0, the
   * alternatives best first, and at temperature 0 the sampled token is the best one; a call that
   * does not ask gets null, and a bad value fails analysis with the option's name.
   */
  @Test
  void logprobsOptionFillsTheResultsLogprobsField() {
    Row out = spark.sql("SELECT "
        + "llm_generate('Name a primary colour.', named_struct('max_tokens', 5, 'temperature', 0.0, 'logprobs', 3)) AS a, "
        + "llm_generate('Name a primary colour.', named_struct('max_tokens', 5)) AS b").collectAsList().get(0);
    Row asked = out.getStruct(0);
    assertNull(asked.getAs("error"));
    List<Row> entries = asked.getList(asked.fieldIndex("logprobs"));
    assertEquals(asked.<Integer>getAs("completion_tokens"), entries.size());
    for (Row e : entries) {
      float logprob = e.getAs("logprob");
      assertTrue(logprob <= 0f, "logprob " + logprob);
      assertTrue(e.getAs("token") instanceof String);
      List<Row> top = e.getList(e.fieldIndex("top"));
      assertEquals(3, top.size());
      assertEquals(e.<Integer>getAs("id"), top.get(0).<Integer>getAs("id"), "greedy picks top[0]");
      assertEquals(logprob, top.get(0).<Float>getAs("logprob"));
      for (int k = 1; k < top.size(); k++) {
        assertTrue(top.get(k).<Float>getAs("logprob") <= top.get(k - 1).<Float>getAs("logprob"), "descending");
      }
    }
    assertNull(out.getStruct(1).getAs("logprobs"), "not asked");
    StructType result = (StructType) out.schema().apply("a").dataType();
    assertEquals("array<struct<token:string,id:int,logprob:float,top:array<struct<token:string,id:int,logprob:float>>>>",
        result.apply("logprobs").dataType().simpleString());
    for (String bad : List.of("21", "-2", "1.5", "'three'")) {
      Exception e = assertThrows(Exception.class, () -> spark.sql(
          "SELECT llm_generate('hi', named_struct('logprobs', " + bad + "))").collectAsList());
      assertTrue(e.getMessage().contains("logprobs"), bad + ": " + e.getMessage());
    }
  }

  @Test
  void sqlAndTheDataFrameApiGiveTheEngineAlonesTextAndTheModelLoadsOncePerJvm() throws Exception {
    List<Row> rows = sharedPrefixPrompts().selectExpr("id", "prompt",
        "llm_generate(prompt, named_struct('max_tokens', 3)) AS out").orderBy("id").collectAsList();
    int loads = ExecutorEngines.loads("default");
    sharedPrefixPrompts().limit(1).selectExpr("llm_generate(prompt, named_struct('max_tokens', 1)).text").collectAsList();
    assertEquals(loads, ExecutorEngines.loads("default"), "a second query reuses the executor's engine");
    assertEquals(1, loads, "one load per JVM, whatever the number of tasks");
    List<GenerationRequest> direct = new ArrayList<>();
    for (Row row : rows) {
      direct.add(GenerationRequest.ofPrompt("direct-" + row.getInt(0), row.getString(1),
          SamplingParams.GREEDY.withMaxTokens(3)));
    }
    List<GenerationResult> expected = ExecutorEngines.get("default").generate(direct);
    Dataset<Row> prompts = sharedPrefixPrompts();
    List<Row> viaDataFrameApi = prompts.select(prompts.col("id"), LlmFunctions.llm_generate(prompts.col("prompt"),
        org.apache.spark.sql.functions.struct(org.apache.spark.sql.functions.lit(3).as("max_tokens"))).as("out"))
        .orderBy("id").collectAsList();
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(expected.get(i).text(), rows.get(i).getStruct(2).getAs("text"), "SQL, row " + i);
      assertEquals(expected.get(i).text(), viaDataFrameApi.get(i).getStruct(1).getAs("text"), "DataFrame API, row " + i);
    }
  }
}
