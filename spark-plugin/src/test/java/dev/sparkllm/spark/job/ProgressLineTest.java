package dev.sparkllm.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkllm.spark.progress.LlmMetricNames;
import dev.sparkllm.spark.progress.ProgressCounters;
import dev.sparkllm.spark.progress.ProgressSnapshot;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The progress arithmetic and lines, without Spark. */
class ProgressLineTest {

  @Test
  void countersSumOnlyLlmMetrics() {
    ProgressCounters counters = new ProgressCounters();
    counters.add(LlmMetricNames.ROWS, 3);
    counters.add(LlmMetricNames.ROWS, 4);
    counters.add(LlmMetricNames.GENERATED_TOKENS, 70);
    counters.add(LlmMetricNames.PROMPT_TOKENS, 100);
    counters.add(LlmMetricNames.CACHED_TOKENS, 40);
    counters.add("number of output rows", 1000);
    assertEquals(7, counters.rows());
    assertEquals(70, counters.generatedTokens());
    assertEquals(100, counters.promptTokens());
    assertEquals(40, counters.cachedTokens());
  }

  @Test
  void lineShowsRowsRateAndEta() {
    // 1,000 rows were there before; 234 generated in 10 s: 8,766 left at 23.4 rows/s is 375 s.
    ProgressSnapshot s = new ProgressSnapshot(1_234, 10_000, 1_000, 5_000, 456, 0, Duration.ofSeconds(10));
    assertEquals("progress: 1,234/10,000 rows (12.3%), 45.6 generated tokens/s, ETA 6m15s", s.format());
    assertEquals(375, s.etaSeconds().getAsLong());
  }

  @Test
  void etaIsUnknownUntilARowIsDone() {
    ProgressSnapshot s = new ProgressSnapshot(500, 1_000, 500, 0, 0, 0, Duration.ofSeconds(3));
    assertTrue(s.etaSeconds().isEmpty());
    assertEquals("progress: 500/1,000 rows (50.0%), 0.0 generated tokens/s, ETA unknown", s.format());
    assertEquals(0.0, new ProgressSnapshot(0, 0, 0, 0, 0, 0, Duration.ZERO).fractionDone());
  }

  @Test
  void summaryLineCarriesTheTotals() {
    JobSummary summary = new JobSummary(8, 2, 6, 1, 2, 120, 40, 0, 3, 3, true, 12.34);
    assertEquals("summary: 6 rows written (2 with errors, 1 replaced), 2 of 8 input rows already done,"
        + " 120 prompt tokens, 40 generated tokens, 0 cached tokens, 3/3 chunks, 12.3 s", summary.format());
  }
}
