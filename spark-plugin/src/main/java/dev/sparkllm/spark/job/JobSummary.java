package dev.sparkllm.spark.job;

import java.util.Locale;

/**
 * What one run did.
 *
 * @param inputRows        rows in the input
 * @param rowsAlreadyDone  input rows found finished in the output when the run started
 * @param rowsWritten      rows this run inserted or replaced in the output
 * @param rowsReplaced     of those, rows that replaced an errored row (--retry-errors)
 * @param rowsWithErrors   rows this run generated whose {@code error} is set
 * @param promptTokens     prompt tokens of the rows this run generated
 * @param generatedTokens  completion tokens of the rows this run generated
 * @param cachedTokens     prompt tokens served from shared prefixes
 * @param chunksCommitted  non-empty chunks merged into the output by this run
 * @param chunksPlanned    chunks the pending rows were cut into
 * @param complete         false when the run stopped early (--max-chunks) with rows still pending
 * @param seconds          wall time of the run
 */
public record JobSummary(long inputRows, long rowsAlreadyDone, long rowsWritten, long rowsReplaced,
                         long rowsWithErrors, long promptTokens, long generatedTokens,
                         long cachedTokens, int chunksCommitted, int chunksPlanned,
                         boolean complete, double seconds) {

  /** The one line printed at the end of a run. */
  public String format() {
    return String.format(Locale.US,
        "summary: %,d rows written (%,d with errors, %,d replaced), %,d of %,d input rows already done,"
            + " %,d prompt tokens, %,d generated tokens, %,d cached tokens, %d/%d chunks, %.1f s%s",
        rowsWritten, rowsWithErrors, rowsReplaced, rowsAlreadyDone, inputRows, promptTokens,
        generatedTokens, cachedTokens, chunksCommitted, chunksPlanned, seconds,
        complete ? "" : " (stopped early; rerun to continue)");
  }
}
