package dev.sparkllm.spark;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * {@code llm_generate} for the DataFrame API (Java and Scala):
 * {@code df.select(col("id"), LlmFunctions.llm_generate(col("prompt"), options))}. PySpark needs
 * no package: {@code F.expr("llm_generate(prompt, named_struct('max_tokens', 64))")}.
 */
public final class LlmFunctions {
  private LlmFunctions() {}

  public static Column llm_generate(Column prompt) {
    return functions.call_function("llm_generate", prompt);
  }

  /** {@code options}: a struct ({@code functions.struct(lit(64).as("max_tokens"))}) or a string-keyed map. */
  public static Column llm_generate(Column prompt, Column options) {
    return functions.call_function("llm_generate", prompt, options);
  }
}
