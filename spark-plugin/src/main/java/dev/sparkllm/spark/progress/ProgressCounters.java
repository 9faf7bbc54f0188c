package dev.sparkllm.spark.progress;

import java.util.concurrent.atomic.LongAdder;

/**
 * Running sums of the llm_generate metrics of finished tasks. Kept apart from the listener so the
 * arithmetic can be tested without Spark; written by the listener thread, read by a reporter.
 */
public final class ProgressCounters {
  private final LongAdder rows = new LongAdder();
  private final LongAdder promptTokens = new LongAdder();
  private final LongAdder generatedTokens = new LongAdder();
  private final LongAdder cachedTokens = new LongAdder();

  /** Adds one task's value of a metric; names that are not llm metrics are ignored. */
  public void add(String metricName, long value) {
    switch (metricName) {
      case LlmMetricNames.ROWS -> rows.add(value);
      case LlmMetricNames.PROMPT_TOKENS -> promptTokens.add(value);
      case LlmMetricNames.GENERATED_TOKENS -> generatedTokens.add(value);
      case LlmMetricNames.CACHED_TOKENS -> cachedTokens.add(value);
      default -> { }
    }
  }

  public long rows() { return rows.sum(); }
  public long promptTokens() { return promptTokens.sum(); }
  public long generatedTokens() { return generatedTokens.sum(); }
  public long cachedTokens() { return cachedTokens.sum(); }
}
