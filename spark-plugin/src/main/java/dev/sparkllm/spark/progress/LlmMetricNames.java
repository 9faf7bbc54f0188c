package dev.sparkllm.spark.progress;

import java.util.Set;

/**
 * Display names of the SQL metrics the llm_generate operator publishes. They are the contract
 * between the operator and anything that watches a query's progress (this package, the Spark UI),
 * so they are spelled once, here.
 */
public final class LlmMetricNames {
  public static final String ROWS = "llm rows";
  public static final String PROMPT_TOKENS = "llm prompt tokens";
  public static final String GENERATED_TOKENS = "llm generated tokens";
  public static final String CACHED_TOKENS = "llm cached tokens";

  public static final Set<String> ALL = Set.of(ROWS, PROMPT_TOKENS, GENERATED_TOKENS, CACHED_TOKENS);

  private LlmMetricNames() {}
}
