package dev.sparkllm.spark.job;

/** Quoting of user-given column names, so names with dots or spaces resolve as one column. */
final class SqlNames {
  private SqlNames() {}

  static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** {@code alias.`name`}, for merge conditions between a target and a source alias. */
  static String qualified(String alias, String name) {
    return alias + "." + quoted(name);
  }
}
