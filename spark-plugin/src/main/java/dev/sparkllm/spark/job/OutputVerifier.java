package dev.sparkllm.spark.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code --verify-output} check: the output's ids are unique and non-null, and its row and
 * error counts are what the caller expects. Lets a script check a run with the same jar and Spark
 * that wrote it.
 */
final class OutputVerifier {
  private OutputVerifier() {}

  static void verify(SparkSession spark, JobCommand.Verify check, PrintStream out) {
    if (!DeltaTable.isDeltaTable(spark, check.output())) {
      throw new JobException(ExitCode.VERIFY_FAILED, "verify: " + check.output() + " is not a Delta table");
    }
    String id = SqlNames.quoted(check.idColumn());
    Row r = spark.read().format("delta").load(check.output()).agg(
        count(lit(1)),
        countDistinct(col(id)),
        sum(when(col(id).isNull(), 1).otherwise(0)),
        sum(when(col(OutputColumns.ERROR).isNotNull(), 1).otherwise(0))).first();
    long rows = r.getLong(0);
    long distinctIds = r.getLong(1);
    long nullIds = r.isNullAt(2) ? 0 : r.getLong(2);
    long errors = r.isNullAt(3) ? 0 : r.getLong(3);
    out.printf("verify: %s has %d rows, %d distinct ids, %d null ids, %d rows with errors%n",
        check.output(), rows, distinctIds, nullIds, errors);

    List<String> problems = new ArrayList<>();
    if (distinctIds + (nullIds > 0 ? 1 : 0) != rows || nullIds > 0) {
      problems.add("ids are not unique and non-null (" + rows + " rows, " + distinctIds
          + " distinct ids, " + nullIds + " null)");
    }
    check.expectRows().ifPresent(expected -> {
      if (expected != rows) {
        problems.add("expected " + expected + " rows, found " + rows);
      }
    });
    check.expectErrors().ifPresent(expected -> {
      if (expected != errors) {
        problems.add("expected " + expected + " rows with errors, found " + errors);
      }
    });
    if (!problems.isEmpty()) {
      throw new JobException(ExitCode.VERIFY_FAILED, "verify failed: " + String.join("; ", problems));
    }
    out.println("verify: ok");
  }
}
