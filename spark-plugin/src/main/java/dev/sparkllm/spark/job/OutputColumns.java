package dev.sparkllm.spark.job;

import java.util.List;

/**
 * Names of the columns the job adds to the id and prompt columns in its output table: the
 * llm_generate result fields flattened, the model name and the time of generation.
 */
public final class OutputColumns {
  public static final String TEXT = "text";
  public static final String FINISH_REASON = "finish_reason";
  public static final String PROMPT_TOKENS = "prompt_tokens";
  public static final String COMPLETION_TOKENS = "completion_tokens";
  public static final String CACHED_TOKENS = "cached_tokens";
  public static final String ERROR = "error";
  public static final String MODEL = "model";
  public static final String GENERATED_AT = "generated_at";
  /** Only in the output of a job run with --logprobs. */
  public static final String LOGPROBS = "logprobs";

  /** The llm_generate result struct's fields, in its order. */
  public static final List<String> RESULT_FIELDS =
      List.of(TEXT, FINISH_REASON, PROMPT_TOKENS, COMPLETION_TOKENS, CACHED_TOKENS, ERROR);

  /** Every column the job adds, in output order after the id and prompt columns. */
  public static final List<String> GENERATED = List.of(TEXT, FINISH_REASON, PROMPT_TOKENS,
      COMPLETION_TOKENS, CACHED_TOKENS, ERROR, MODEL, GENERATED_AT);

  private OutputColumns() {}
}
