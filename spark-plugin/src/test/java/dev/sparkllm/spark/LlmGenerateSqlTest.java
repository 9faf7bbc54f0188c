package dev.sparkllm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkllm.spark.testutil.SharedSpark;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LlmGenerateSqlTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SharedSpark.session();
    spark.sql("SELECT * FROM VALUES (1, 'What is the capital of France?'), (2, 'Name a colour.'), "
        + "(3, CAST(NULL AS STRING)), (4, ''), (5, 'What is the capital of France?') AS t(id, prompt)")
        .createOrReplaceTempView("prompts");
  }

  @Test
  void generatesForEveryRowAndReportsBadRowsInTheErrorField() {
    List<Row> rows = spark.sql("SELECT id, llm_generate(prompt, named_struct('max_tokens', 4)) AS out "
        + "FROM prompts ORDER BY id").collectAsList();
    assertEquals(5, rows.size());
    for (Row row : rows) {
      Row out = row.getStruct(1);
      int id = row.getInt(0);
      if (id == 3 || id == 4) {
        assertNull(out.getAs("text"));
        assertEquals("error", out.getAs("finish_reason"));
        assertEquals(id == 3 ? "prompt is null" : "prompt is empty", out.getAs("error"));
      } else {
        assertNull(out.getAs("error"), "row " + id);
        assertNotNull(out.getAs("text"));
        assertTrue((int) out.getAs("prompt_tokens") > 5);
        assertTrue((int) out.getAs("completion_tokens") >= 1 && (int) out.getAs("completion_tokens") <= 4);
        assertTrue(List.of("length", "stop").contains(out.<String>getAs("finish_reason")));
      }
    }
    // Greedy decoding: the same prompt gives the same text, wherever its row ran.
    assertEquals(rows.get(0).getStruct(1).<String>getAs("text"), rows.get(4).getStruct(1).<String>getAs("text"));
  }

  @Test
  void aPromptLongerThanTheContextGetsAnErrorAndTheOthersTheirText() {
    List<Row> rows = spark.sql("SELECT id, llm_generate(p, named_struct('max_tokens', 2)) AS out FROM VALUES "
        + "(1, repeat('word ', 5000)), (2, 'Name a colour.') AS t(id, p) ORDER BY id").collectAsList();
    String error = rows.get(0).getStruct(1).getAs("error");
    assertNotNull(error);
    assertTrue(error.contains("context holds"), error);
    assertNull(rows.get(1).getStruct(1).getAs("error"));
    assertNotNull(rows.get(1).getStruct(1).getAs("text"));
  }

  @Test
  void decimalLiteralsAreAcceptedAsNumbers() {
    // 0.0 and 0.9 are decimal(1,1) in SQL: the README's own example writes options this way.
    Row out = spark.sql("SELECT llm_generate('Name a colour.', named_struct('max_tokens', 2, 'temperature', 0.0, "
        + "'top_p', 0.9)) AS out").collectAsList().get(0).getStruct(0);
    assertNull(out.getAs("error"), String.valueOf(out));
    assertTrue(out.<Integer>getAs("completion_tokens") >= 1, String.valueOf(out));
  }

  @Test
  void explainShowsTheOperator() {
    Dataset<Row> query = spark.sql("SELECT id, llm_generate(prompt) AS out FROM prompts");
    String plan = query.queryExecution().executedPlan().toString();
    assertTrue(plan.contains("LlmGenerate"), plan);
  }

  @Test
  void constantOptionsAreCheckedDuringAnalysis() {
    AnalysisException negative = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT llm_generate(prompt, named_struct('max_tokens', -1)) FROM prompts"));
    assertTrue(negative.getMessage().contains("max_tokens must be >= 0"), negative.getMessage());
    AnalysisException unknown = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT llm_generate(prompt, named_struct('max_tokenz', 3)) FROM prompts"));
    assertTrue(unknown.getMessage().contains("unknown option 'max_tokenz'"), unknown.getMessage());
    AnalysisException model = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT llm_generate(prompt, named_struct('model', 'gpt-99')) FROM prompts"));
    assertTrue(model.getMessage().contains("spark.llm.model.gpt-99.path"), model.getMessage());
    AnalysisException type = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT llm_generate(id) FROM prompts"));
    assertTrue(type.getMessage().contains("the prompt must be a string"), type.getMessage());
    AnalysisException where = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT id FROM prompts WHERE llm_generate(prompt).text = 'x'").collectAsList());
    assertTrue(where.getMessage().contains("SELECT list"), where.getMessage());
  }

  @Test
  void optionsFromColumnsAreCheckedPerRow() {
    List<Row> rows = spark.sql("SELECT id, llm_generate(prompt, named_struct('max_tokens', IF(id = 2, -5, 2))) AS out "
        + "FROM prompts WHERE id IN (1, 2) ORDER BY id").collectAsList();
    assertNull(rows.get(0).getStruct(1).getAs("error"));
    assertTrue((int) rows.get(0).getStruct(1).getAs("completion_tokens") <= 2);
    assertTrue(rows.get(1).getStruct(1).<String>getAs("error").contains("max_tokens must be >= 0"));
  }

  @Test
  void onErrorFailStopsTheQueryWithTheRowsError() {
    Exception failure = assertThrows(Exception.class, () -> spark.sql(
        "SELECT llm_generate(prompt, named_struct('max_tokens', 2, 'on_error', 'fail')) FROM prompts").collectAsList());
    assertTrue(String.valueOf(failure.getMessage()).contains("prompt is null")
        || String.valueOf(failure.getMessage()).contains("prompt is empty"), failure.getMessage());
  }

  @Test
  void chatMessagesAndTheDataFrameApi() {
    Dataset<Row> messages = spark.sql("SELECT 1 AS id, array(named_struct('role', 'system', 'content', 'Be brief.'), "
        + "named_struct('role', 'user', 'content', 'Say hi.')) AS conversation");
    Row out = messages.select(LlmFunctions.llm_generate(messages.col("conversation"),
        org.apache.spark.sql.functions.map(org.apache.spark.sql.functions.lit("max_tokens"),
            org.apache.spark.sql.functions.lit("3")))).first().getStruct(0);
    assertNull(out.getAs("error"));
    assertTrue((int) out.getAs("completion_tokens") <= 3);
  }
}
