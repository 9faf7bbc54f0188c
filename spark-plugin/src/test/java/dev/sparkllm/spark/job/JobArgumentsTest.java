package dev.sparkllm.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The command line, parsed without Spark. */
class JobArgumentsTest {

  private static JobOptions generate(String... args) {
    return assertInstanceOf(JobCommand.Generate.class, JobArguments.parse(args)).options();
  }

  private static JobException usageError(String... args) {
    JobException e = assertThrows(JobException.class, () -> JobArguments.parse(args));
    assertEquals(ExitCode.USAGE, e.exitCode());
    return e;
  }

  @Test
  void defaultsLeaveSamplingToLlmGenerate() {
    JobOptions o = generate("--input", "in.jsonl", "--output", "out");
    assertEquals("in.jsonl", o.input());
    assertEquals("out", o.output());
    assertEquals(Optional.empty(), o.inputFormat());
    assertEquals("id", o.idColumn());
    assertEquals("prompt", o.promptColumn());
    assertEquals("default", o.model());
    assertTrue(o.maxTokens().isEmpty());
    assertTrue(o.temperature().isEmpty());
    assertTrue(o.seed().isEmpty());
    assertEquals(List.of(), o.stop());
    assertEquals(Optional.empty(), o.chatTemplate());
    assertEquals("null", o.onError());
    assertFalse(o.retryErrors());
    assertEquals(JobOptions.DEFAULT_CHUNK_ROWS, o.chunkRows());
    assertTrue(o.maxChunks().isEmpty());
    assertEquals(Duration.ofSeconds(5), o.progressInterval());
  }

  @Test
  void everyOptionIsRead() {
    JobOptions o = generate("--input", "t", "--input-format", "TABLE", "--output=/o", "--id-col", "key",
        "--prompt-col", "question", "--model", "small", "--max-tokens", "16", "--temperature", "0.7",
        "--top-p", "0.9", "--top-k", "40", "--min-p", "0.05", "--seed", "12345678901", "--stop", "\n\n",
        "--stop", "END", "--system", "Be brief.", "--no-chat", "--on-error", "fail", "--retry-errors",
        "--chunk-rows", "500", "--user", "alice", "--progress-interval", "0.5", "--max-chunks", "2");
    assertEquals(Optional.of(InputFormat.TABLE), o.inputFormat());
    assertEquals("/o", o.output());
    assertEquals("key", o.idColumn());
    assertEquals("question", o.promptColumn());
    assertEquals("small", o.model());
    assertEquals(16, o.maxTokens().getAsInt());
    assertEquals(0.7, o.temperature().getAsDouble());
    assertEquals(0.9, o.topP().getAsDouble());
    assertEquals(40, o.topK().getAsInt());
    assertEquals(0.05, o.minP().getAsDouble());
    assertEquals(12345678901L, o.seed().getAsLong());
    assertEquals(List.of("\n\n", "END"), o.stop());
    assertEquals(Optional.of("Be brief."), o.system());
    assertEquals(Optional.of(false), o.chatTemplate());
    assertEquals("fail", o.onError());
    assertTrue(o.retryErrors());
    assertEquals(500, o.chunkRows());
    assertEquals(Optional.of("alice"), o.user());
    assertEquals(Duration.ofMillis(500), o.progressInterval());
    assertEquals(2, o.maxChunks().getAsInt());
    assertEquals(Optional.of(true), generate("--input", "i", "--output", "o", "--chat").chatTemplate());
  }

  @Test
  void logprobsIsCheckedByTheEnginesRuleAndGoesIntoTheOptionsStruct() {
    assertEquals(3, generate("--input", "i", "--output", "o", "--logprobs", "3").logprobs().getAsInt());
    assertTrue(generate("--input", "i", "--output", "o").logprobs().isEmpty());
    assertTrue(GenerationRequest.optionsStruct(generate("--input", "i", "--output", "o", "--logprobs", "0"))
        .toString().contains("logprobs"));
    for (String bad : List.of("21", "-2")) {
      String message = usageError("--input", "i", "--output", "o", "--logprobs", bad).getMessage();
      assertTrue(message.contains("--logprobs must be"), message);
    }
    assertTrue(usageError("--input", "i", "--output", "o", "--logprobs", "1.5").getMessage()
        .contains("--logprobs needs a whole number, not '1.5'"));
    assertTrue(usageError("--input", "i", "--output", "o", "--logprobs", "2", "--id-col", "logprobs").getMessage()
        .contains("output column 'logprobs'"));
  }

  @Test
  void mistakesAreNamed() {
    assertTrue(usageError("--input", "i", "--output", "o", "--bogus", "1").getMessage()
        .contains("unknown option --bogus"));
    assertTrue(usageError("--output", "o").getMessage().contains("missing --input"));
    assertTrue(usageError("--input", "i").getMessage().contains("missing --output"));
    assertTrue(usageError("--input", "i", "--output").getMessage().contains("--output needs a value"));
    assertTrue(usageError("--input", "i", "--output", "o", "--max-tokens", "many").getMessage()
        .contains("--max-tokens needs a whole number, not 'many'"));
    assertTrue(usageError("--input", "i", "--output", "o", "--max-tokens", "0").getMessage()
        .contains("--max-tokens must be positive"));
    assertTrue(usageError("--input", "i", "--output", "o", "--top-p", "1.5").getMessage().contains("--top-p"));
    assertTrue(usageError("--input", "i", "--output", "o", "--temperature", "NaN").getMessage()
        .contains("--temperature needs a number"));
    assertTrue(usageError("--input", "i", "--output", "o", "--on-error", "skip").getMessage()
        .contains("--on-error must be null or fail"));
    assertTrue(usageError("--input", "i", "--output", "o", "--chunk-rows", "-1").getMessage()
        .contains("--chunk-rows must be positive"));
    assertTrue(usageError("--input", "i", "--output", "o", "--input-format", "csv").getMessage()
        .contains("--input-format must be"));
    assertTrue(usageError("--input", "i", "--output", "o", "--retry-errors=yes").getMessage()
        .contains("takes no value"));
    assertTrue(usageError("--input", "i", "--output", "o", "stray").getMessage()
        .contains("unexpected argument 'stray'"));
    assertTrue(usageError("--input", "i", "--output", "o", "--id-col", "x", "--prompt-col", "x")
        .getMessage().contains("same column"));
    assertTrue(usageError("--input", "i", "--output", "o", "--prompt-col", "text").getMessage()
        .contains("clash"));
  }

  @Test
  void verifyModeTakesItsOwnOptions() {
    JobCommand.Verify v = assertInstanceOf(JobCommand.Verify.class,
        JobArguments.parse("--verify-output", "out/x", "--expect-rows", "8", "--expect-errors", "2",
            "--id-col", "key"));
    assertEquals("out/x", v.output());
    assertEquals("key", v.idColumn());
    assertEquals(8, v.expectRows().getAsLong());
    assertEquals(2, v.expectErrors().getAsLong());
    assertTrue(usageError("--verify-output", "o", "--max-tokens", "3").getMessage()
        .contains("does not go with --verify-output"));
  }

  @Test
  void helpAndBadArgumentsExitWithoutStartingSpark() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertEquals(0, GenerateJob.execute(new String[] {"--help"}, outStream, errStream));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("--chunk-rows"));
    assertEquals(2, GenerateJob.execute(new String[] {"--input", "x", "--output", "y", "--nope", "1"},
        outStream, errStream));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option --nope"));
  }
}
