package dev.sparkllm.spark.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Counts of one generated chunk, read from its rows (not from task metrics, which a retried task or
 * a re-evaluated plan could count twice), for the job's final summary.
 */
record ChunkStats(long rows, long errors, long promptTokens, long generatedTokens, long cachedTokens) {
  static final ChunkStats ZERO = new ChunkStats(0, 0, 0, 0, 0);

  static ChunkStats of(Dataset<Row> generated) {
    Row r = generated.agg(
        count(lit(1)),
        sum(when(col(OutputColumns.ERROR).isNotNull(), 1).otherwise(0)),
        sum(col(OutputColumns.PROMPT_TOKENS)),
        sum(col(OutputColumns.COMPLETION_TOKENS)),
        sum(col(OutputColumns.CACHED_TOKENS))).first();
    return new ChunkStats(r.getLong(0), longOrZero(r, 1), longOrZero(r, 2), longOrZero(r, 3),
        longOrZero(r, 4));
  }

  ChunkStats plus(ChunkStats other) {
    return new ChunkStats(rows + other.rows, errors + other.errors, promptTokens + other.promptTokens,
        generatedTokens + other.generatedTokens, cachedTokens + other.cachedTokens);
  }

  private static long longOrZero(Row r, int index) {
    return r.isNullAt(index) ? 0 : ((Number) r.get(index)).longValue();
  }
}
