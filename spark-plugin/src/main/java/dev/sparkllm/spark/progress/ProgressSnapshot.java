package dev.sparkllm.spark.progress;

import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Where a generation job stands at one moment: rows done out of the total (rows that were already in
 * the output count as done), tokens so far, throughput and an estimate of the time left.
 *
 * @param rowsDone       rows finished, including {@code rowsAtStart}
 * @param rowsTotal      rows the job has to end with; 0 when unknown
 * @param rowsAtStart    rows that were already done before this run started
 * @param promptTokens   prompt tokens of the rows generated in this run
 * @param generatedTokens completion tokens of the rows generated in this run
 * @param cachedTokens   prompt tokens served from a shared prefix in this run
 * @param elapsed        time since this run started
 */
public record ProgressSnapshot(long rowsDone, long rowsTotal, long rowsAtStart, long promptTokens,
                               long generatedTokens, long cachedTokens, Duration elapsed) {

  /** Fraction of the total done, 0..1; 0 when the total is unknown. */
  public double fractionDone() {
    return rowsTotal <= 0 ? 0.0 : Math.min(1.0, (double) rowsDone / rowsTotal);
  }

  public double generatedTokensPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0.0 : generatedTokens / seconds;
  }

  /**
   * Time left at this run's row rate so far; empty until this run has finished a row, because a
   * rate from nothing would be a guess.
   */
  public OptionalLong etaSeconds() {
    long rowsThisRun = rowsDone - rowsAtStart;
    double seconds = elapsed.toNanos() / 1e9;
    if (rowsThisRun <= 0 || seconds <= 0 || rowsTotal <= 0) {
      return OptionalLong.empty();
    }
    long remaining = Math.max(0, rowsTotal - rowsDone);
    return OptionalLong.of(Math.round(remaining * seconds / rowsThisRun));
  }

  /** The line printed for a person watching: {@code progress: 1,234/10,000 rows (12.3%), ...}. */
  public String format() {
    String eta = etaSeconds().isPresent() ? formatDuration(etaSeconds().getAsLong()) : "unknown";
    return String.format(Locale.ROOT, "progress: %s/%s rows (%.1f%%), %.1f generated tokens/s, ETA %s",
        grouped(rowsDone), grouped(rowsTotal), 100.0 * fractionDone(), generatedTokensPerSecond(), eta);
  }

  static String grouped(long value) {
    return String.format(Locale.US, "%,d", value);
  }

  /** 42s, 3m12s, 2h05m. */
  static String formatDuration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
  }
}
