package dev.sparkllm.spark.exec;

import dev.sparkllm.spark.expr.LlmOptions;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;

/**
 * An input row on its way to the partition the plan chose: the row itself, its parsed options
 * (null when they were invalid), its prompt tokens (or why it has none), and where it sorts in
 * that partition (the plan's unit and group order). Carrying the options spares the generation
 * step from evaluating the row's expressions again.
 */
record PlannedRow(UnsafeRow row, String requestId, LlmOptions options, int[] tokens, String error, int promptTokens,
                  int unit, int group) implements Serializable {}
