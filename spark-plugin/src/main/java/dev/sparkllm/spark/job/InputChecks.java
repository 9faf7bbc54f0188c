package dev.sparkllm.spark.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Refuses inputs whose ids cannot key the output: the exactly-once promise rests on the id (the
 * output is merged on it and a rerun skips the ids it finds), so a repeated or null id would make
 * one row overwrite or shadow another.
 */
final class InputChecks {
  private static final int EXAMPLES = 5;

  private InputChecks() {}

  /** Checks the ids in one pass over the input and returns its row count. */
  static long requireUniqueNonNullIds(Dataset<Row> rows, String idColumn) {
    Dataset<Row> perId = rows.groupBy(col(SqlNames.quoted(idColumn)).as("_id"))
        .agg(count(lit(1)).as("_n"));
    Row totals = perId.agg(
        sum("_n"),
        sum(when(col("_n").gt(1), 1).otherwise(0)),
        sum(when(col("_id").isNull(), col("_n")).otherwise(0))).first();
    long rowCount = totals.isNullAt(0) ? 0 : totals.getLong(0);
    long duplicatedIds = totals.isNullAt(1) ? 0 : totals.getLong(1);
    long nullIds = totals.isNullAt(2) ? 0 : totals.getLong(2);
    if (nullIds > 0) {
      throw JobException.badData("input has " + nullIds + " row(s) with a null id in column '"
          + idColumn + "'; every row needs an id");
    }
    if (duplicatedIds > 0) {
      List<Row> examples = perId.filter(col("_n").gt(1)).orderBy(col("_n").desc(), col("_id"))
          .limit(EXAMPLES).collectAsList();
      String listed = examples.stream()
          .map(r -> r.get(0) + " (" + r.getLong(1) + " rows)")
          .collect(Collectors.joining(", "));
      throw JobException.badData("input ids in column '" + idColumn + "' are not unique: "
          + duplicatedIds + " id(s) repeat, e.g. " + listed
          + "; the output is keyed on the id, so deduplicate the input first");
    }
    return rowCount;
  }
}
