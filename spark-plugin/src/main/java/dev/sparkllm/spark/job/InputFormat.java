package dev.sparkllm.spark.job;

import java.util.Locale;

/** How {@code --input} is read. */
public enum InputFormat {
  DELTA, PARQUET, JSON, TABLE;

  /** Parses a {@code --input-format} value. */
  public static InputFormat parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw JobException.usage("--input-format must be delta, parquet, json or table, not '" + value + "'");
    }
  }

  /** What {@link #infer} needs to know about the file system, so the rules test without one. */
  public interface PathProbe {
    boolean exists(String path);

    boolean isDirectory(String path);

    /** Whether the directory holds an entry of this name (a file or a directory). */
    boolean hasChild(String directory, String name);

    /** Whether the directory holds a file whose name ends with this suffix. */
    boolean hasFileEndingWith(String directory, String suffix);
  }

  /**
   * The format of an input named without {@code --input-format}: a directory with a
   * {@code _delta_log} is Delta; a {@code .parquet} file or a directory of them is Parquet; a
   * {@code .jsonl}/{@code .json} file or a directory of them is JSON lines; a name that does not
   * exist as a path and looks like {@code [catalog.][db.]table} is a table.
   */
  public static InputFormat infer(String input, PathProbe probe) {
    String lower = input.toLowerCase(Locale.ROOT);
    if (probe.exists(input)) {
      if (probe.isDirectory(input)) {
        if (probe.hasChild(input, "_delta_log")) {
          return DELTA;
        }
        if (probe.hasFileEndingWith(input, ".parquet")) {
          return PARQUET;
        }
        if (probe.hasFileEndingWith(input, ".jsonl") || probe.hasFileEndingWith(input, ".json")) {
          return JSON;
        }
        throw JobException.badData("cannot tell the format of directory " + input
            + " (no _delta_log, no .parquet or .json/.jsonl files); give --input-format");
      }
      if (lower.endsWith(".parquet")) {
        return PARQUET;
      }
      if (lower.endsWith(".jsonl") || lower.endsWith(".json")) {
        return JSON;
      }
      throw JobException.badData("cannot tell the format of file " + input
          + " (expected .parquet, .jsonl or .json); give --input-format");
    }
    boolean namedLikeAFile = lower.endsWith(".parquet") || lower.endsWith(".jsonl")
        || lower.endsWith(".json") || input.contains("/");
    if (!namedLikeAFile && looksLikeTableName(input)) {
      return TABLE;
    }
    throw JobException.badData("input not found: " + input);
  }

  /** {@code name}, {@code db.name} or {@code catalog.db.name}, optionally back-quoted parts. */
  static boolean looksLikeTableName(String input) {
    return input.matches("(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)(\\.(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)){0,2}");
  }
}
