package dev.sparkllm.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkllm.spark.progress.JobProgress;
import dev.sparkllm.spark.testutil.SharedSpark;
import io.delta.tables.DeltaTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job end to end on the shared session and the real default model, kept small (a few rows of a
 * few tokens) because generation on a 2-core CPU is slow.
 */
class GenerateJobTest {
  private static final List<String> OUTPUT_COLUMNS = List.of("id", "prompt", "text", "finish_reason",
      "prompt_tokens", "completion_tokens", "cached_tokens", "error", "model", "generated_at");

  private final SparkSession spark = SharedSpark.session();
  @TempDir Path dir;

  private Path jsonl(String name, String... lines) throws IOException {
    return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
  }

  private JobOptions.Builder options(Path input, Path output) {
    return JobOptions.builder().input(input.toString()).output(output.toString()).maxTokens(4)
        .progressInterval(Duration.ZERO);
  }

  private JobSummary run(JobOptions options) {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    JobSummary summary = GenerateJob.run(spark, options, new PrintStream(log, true, StandardCharsets.UTF_8));
    String lines = log.toString(StandardCharsets.UTF_8);
    System.err.print(lines);
    assertTrue(lines.contains("summary: "), lines);
    return summary;
  }

  private Map<String, Row> rowsById(Path output) {
    Map<String, Row> byId = new HashMap<>();
    for (Row row : spark.read().format("delta").load(output.toString()).collectAsList()) {
      assertNull(byId.put(row.getAs("id"), row), "id written twice: " + row.getAs("id"));
    }
    return byId;
  }

  private static boolean realLlmGenerate() {
    try {
      Class.forName("dev.sparkllm.spark.LlmSparkExtensions");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * One output through its life: a run stopped after its first chunk, the rerun that completes it,
   * a rerun with nothing to do, and a --retry-errors run. One scenario rather than four, because
   * every Delta commit costs seconds on a small machine.
   */
  @Test
  void interruptedRunResumesExactlyOnceAndRetryErrorsRedoesOnlyErroredRows() throws Exception {
    Path input = jsonl("prompts.jsonl",
        "{\"id\": \"a\", \"prompt\": \"What is the capital of France?\"}",
        "{\"id\": \"b\", \"prompt\": \"Name a color.\"}",
        "{\"id\": \"c\", \"prompt\": null}",
        "{\"id\": \"d\", \"prompt\": \"\"}");
    Path output = dir.resolve("out");

    // 1. Stopped after one chunk of two (as if killed after its first commit).
    JobSummary interrupted = run(options(input, output).chunkRows(2).maxChunks(1).build());
    assertFalse(interrupted.complete());
    assertEquals(1, interrupted.chunksCommitted());
    assertEquals(2, interrupted.chunksPlanned());
    int afterFirst = rowsById(output).size();
    assertTrue(afterFirst > 0 && afterFirst < 4, "first chunk wrote " + afterFirst + " rows");
    assertEquals(afterFirst, interrupted.rowsWritten());

    // 2. The rerun does the rest, and only the rest; the listener sees its rows.
    JobProgress progress = JobProgress.forAllJobs().register(spark);
    JobSummary resumed;
    try {
      resumed = run(options(input, output).chunkRows(2).build());
      if (realLlmGenerate()) {
        // Task-end events reach listeners asynchronously, shortly after the job returns.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (progress.snapshot().rowsDone() < 4 - afterFirst && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertEquals(4 - afterFirst, progress.snapshot().rowsDone(), "llm rows counted by the listener");
      }
    } finally {
      progress.close();
    }
    assertTrue(resumed.complete());
    assertEquals(4, resumed.inputRows());
    assertEquals(afterFirst, resumed.rowsAlreadyDone());
    assertEquals(4 - afterFirst, resumed.rowsWritten());
    assertEquals(2, interrupted.rowsWithErrors() + resumed.rowsWithErrors(), "c and d");
    assertTrue(interrupted.generatedTokens() + resumed.generatedTokens() > 0);

    Dataset<Row> table = spark.read().format("delta").load(output.toString());
    assertEquals(OUTPUT_COLUMNS, List.of(table.columns()));
    Map<String, Row> rows = rowsById(output);
    assertEquals(4, rows.size());
    for (String good : List.of("a", "b")) {
      Row row = rows.get(good);
      assertNull(row.getAs("error"), good);
      assertNotNull(row.getAs("text"), good);
      assertTrue((Integer) row.getAs("completion_tokens") > 0, good);
      assertEquals("default", row.getAs("model"));
      assertNotNull(row.getAs("generated_at"));
    }
    assertEquals("What is the capital of France?", rows.get("a").getAs("prompt"));
    assertNotNull(rows.get("c").getAs("error"), "null prompt");
    assertNotNull(rows.get("d").getAs("error"), "empty prompt");

    // 3. Nothing left: no generation, no commit, no duplicate.
    long version = DeltaTable.forPath(spark, output.toString()).history(1).first().getLong(0);
    JobSummary again = run(options(input, output).build());
    assertEquals(0, again.rowsWritten());
    assertEquals(4, again.rowsAlreadyDone());
    assertEquals(version, DeltaTable.forPath(spark, output.toString()).history(1).first().getLong(0));
    assertEquals(4, rowsById(output).size());

    // 4. --retry-errors generates c and d again (they fail again: their prompts are still bad) and
    //    leaves a and b as they were.
    JobSummary retried = run(options(input, output).retryErrors(true).build());
    assertEquals(2, retried.rowsAlreadyDone());
    assertEquals(2, retried.rowsWritten());
    assertEquals(2, retried.rowsReplaced());
    Map<String, Row> afterRetry = rowsById(output);
    assertEquals(4, afterRetry.size());
    for (String id : List.of("a", "b")) {
      assertEquals(rows.get(id).<Timestamp>getAs("generated_at"), afterRetry.get(id).getAs("generated_at"), id);
      assertEquals(rows.get(id).<String>getAs("text"), afterRetry.get(id).getAs("text"), id);
    }
    for (String id : List.of("c", "d")) {
      assertTrue(afterRetry.get(id).<Timestamp>getAs("generated_at")
          .after(rows.get(id).<Timestamp>getAs("generated_at")), id + " generated again");
    }

    ByteArrayOutputStream report = new ByteArrayOutputStream();
    OutputVerifier.verify(spark, new JobCommand.Verify(output.toString(), "id", OptionalLong.of(4),
        OptionalLong.of(2)), new PrintStream(report, true, StandardCharsets.UTF_8));
    assertTrue(report.toString(StandardCharsets.UTF_8).contains("verify: ok"));
    JobException mismatch = assertThrows(JobException.class, () -> OutputVerifier.verify(spark,
        new JobCommand.Verify(output.toString(), "id", OptionalLong.of(5), OptionalLong.empty()),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    assertEquals(ExitCode.VERIFY_FAILED, mismatch.exitCode());
    assertTrue(mismatch.getMessage().contains("expected 5 rows, found 4"));
  }

  /** --logprobs adds the result's logprobs column; a table written without it is refused by name. */
  @Test
  void logprobsAddsItsColumnOnlyWhenAsked() throws Exception {
    Path input = jsonl("prompts.jsonl", "{\"id\": \"a\", \"prompt\": \"Name a color.\"}");
    Path output = dir.resolve("with-logprobs");
    run(options(input, output).logprobs(2).build());
    Row a = rowsById(output).get("a");
    assertNull(a.getAs("error"));
    List<Row> entries = a.getList(a.fieldIndex("logprobs"));
    assertEquals(a.<Integer>getAs("completion_tokens"), entries.size());
    Row first = entries.get(0);
    assertTrue(first.<Float>getAs("logprob") <= 0f);
    assertEquals(2, first.getList(first.fieldIndex("top")).size());

    Path plain = dir.resolve("plain");
    run(options(input, plain).build());
    assertFalse(List.of(spark.read().format("delta").load(plain.toString()).columns()).contains("logprobs"));
    JobException refused = assertThrows(JobException.class,
        () -> GenerateJob.run(spark, options(input, plain).logprobs(0).build(), new PrintStream(new ByteArrayOutputStream())));
    assertTrue(refused.getMessage().contains("[logprobs]"), refused.getMessage());
  }

  @Test
  void duplicateAndNullIdsAreRefusedBeforeAnyGeneration() throws Exception {
    Path output = dir.resolve("out");
    Path duplicates = jsonl("dups.jsonl", "{\"id\": 7, \"prompt\": \"x\"}", "{\"id\": 7, \"prompt\": \"y\"}",
        "{\"id\": 8, \"prompt\": \"z\"}", "{\"id\": 8, \"prompt\": \"w\"}", "{\"id\": 9, \"prompt\": \"v\"}");
    JobException e = assertThrows(JobException.class, () -> run(options(duplicates, output).build()));
    assertEquals(ExitCode.BAD_DATA, e.exitCode());
    assertTrue(e.getMessage().contains("2 id(s) repeat, e.g. 7 (2 rows), 8 (2 rows)"), e.getMessage());
    assertFalse(Files.exists(output), "nothing written");

    Path nullIds = jsonl("nulls.jsonl", "{\"id\": null, \"prompt\": \"x\"}", "{\"id\": 1, \"prompt\": \"y\"}");
    assertTrue(assertThrows(JobException.class, () -> run(options(nullIds, output).build()))
        .getMessage().contains("1 row(s) with a null id"));
  }

  @Test
  void badInputsAndOutputsAreExplained() throws Exception {
    Path output = dir.resolve("out");
    Path noId = jsonl("noid.jsonl", "{\"key\": 1, \"prompt\": \"x\"}");
    JobException missingColumn = assertThrows(JobException.class, () -> run(options(noId, output).build()));
    assertEquals(ExitCode.BAD_DATA, missingColumn.exitCode());
    assertTrue(missingColumn.getMessage().contains("input has no column 'id' (--id-col)"),
        missingColumn.getMessage());

    JobException notFound = assertThrows(JobException.class,
        () -> run(options(dir.resolve("missing.jsonl"), output).build()));
    assertTrue(notFound.getMessage().contains("input not found"), notFound.getMessage());

    JobException noTable = assertThrows(JobException.class, () -> run(JobOptions.builder()
        .input("no_such_table_here").output(output.toString()).build()));
    assertTrue(noTable.getMessage().contains("cannot read input no_such_table_here as table"),
        noTable.getMessage());

    Path notDelta = Files.createDirectories(dir.resolve("not-delta"));
    Files.writeString(notDelta.resolve("file.txt"), "x");
    Path good = jsonl("good.jsonl", "{\"id\": 1, \"prompt\": \"x\"}");
    JobException occupied = assertThrows(JobException.class, () -> run(options(good, notDelta).build()));
    assertTrue(occupied.getMessage().contains("is not a Delta table"), occupied.getMessage());
  }

  @Test
  void parquetAndDeltaInputsAreRecognised() throws Exception {
    Dataset<Row> prompts = spark.sql("SELECT * FROM VALUES (1L, 'p1'), (2L, 'p2') AS t(key, question)");
    Path parquet = dir.resolve("parquet-in");
    Path delta = dir.resolve("delta-in");
    prompts.write().parquet(parquet.toString());
    prompts.write().format("delta").save(delta.toString());
    for (Path input : List.of(parquet, delta)) {
      JobOptions o = JobOptions.builder().input(input.toString()).output(dir.resolve("o").toString())
          .idColumn("key").promptColumn("question").build();
      Dataset<Row> read = InputReader.read(spark, o);
      assertEquals(List.of("key", "question"), List.of(read.columns()));
      assertEquals(2, read.count());
    }
    JobOptions numericPrompt = JobOptions.builder().input(parquet.toString()).output("o")
        .idColumn("question").promptColumn("key").build();
    assertTrue(assertThrows(JobException.class, () -> InputReader.read(spark, numericPrompt))
        .getMessage().contains("is bigint, not a string"));
  }
}
