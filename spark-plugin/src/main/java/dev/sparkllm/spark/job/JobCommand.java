package dev.sparkllm.spark.job;

import java.util.OptionalLong;

/** What a {@link GenerateJob} command line asks for. */
public sealed interface JobCommand {

  /** Generate the input's missing rows into the output. */
  record Generate(JobOptions options) implements JobCommand {}

  /**
   * Check an output table: ids unique, and the row and error counts as expected when given. Used by
   * scripts after a run, with the same jar and Spark, so they need no second reader of Delta.
   */
  record Verify(String output, String idColumn, OptionalLong expectRows, OptionalLong expectErrors)
      implements JobCommand {}

  /** Print the usage text. */
  record Help() implements JobCommand {}
}
