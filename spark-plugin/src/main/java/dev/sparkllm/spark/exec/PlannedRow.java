package dev.sparkllm.spark.exec;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;

/**
 * An input row on its way to the partition the plan chose: the row itself, its prompt tokens
 * (or why it has none), and where it sorts in that partition (the plan's unit and group order).
 */
record PlannedRow(UnsafeRow row, String requestId, int[] tokens, String error, int promptTokens, int unit, int group,
                  int cachedTokens) implements Serializable {}
