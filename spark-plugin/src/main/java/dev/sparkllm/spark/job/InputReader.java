package dev.sparkllm.spark.job;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** Reads {@code --input} in its format and keeps the id and prompt columns, checking both exist. */
final class InputReader {
  private InputReader() {}

  static Dataset<Row> read(SparkSession spark, JobOptions options) {
    InputFormat format = options.inputFormat().orElseGet(() -> InputFormat.infer(options.input(),
        new HadoopPathProbe(spark.sparkContext().hadoopConfiguration())));
    Dataset<Row> table = load(spark, format, options.input());
    requireColumn(spark, table, options.idColumn(), "--id-col");
    requireColumn(spark, table, options.promptColumn(), "--prompt-col");
    DataType promptType =
        table.select(col(SqlNames.quoted(options.promptColumn()))).schema().fields()[0].dataType();
    if (!promptType.equals(DataTypes.StringType)) {
      throw JobException.badData("prompt column '" + options.promptColumn() + "' is "
          + promptType.simpleString() + ", not a string");
    }
    // Named as the options spell them, so the output's columns match --id-col/--prompt-col exactly.
    return table.select(col(SqlNames.quoted(options.idColumn())).as(options.idColumn()),
        col(SqlNames.quoted(options.promptColumn())).as(options.promptColumn()));
  }

  private static Dataset<Row> load(SparkSession spark, InputFormat format, String input) {
    try {
      Dataset<Row> table = switch (format) {
        case DELTA -> spark.read().format("delta").load(input);
        case PARQUET -> spark.read().parquet(input);
        case JSON -> spark.read().json(input);
        case TABLE -> spark.table(input);
      };
      table.schema(); // analysis may be lazy: a missing table must fail here, not mid-job
      return table;
    } catch (Exception e) {
      // Spark reports a missing path or table as an AnalysisException (a checked exception in Java's
      // eyes, though Scala throws it undeclared), with the cause spelled out.
      throw JobException.badData("cannot read input " + input + " as " + format.name().toLowerCase()
          + ": " + firstLine(e.getMessage()));
    }
  }

  /** Checked on the schema, because Spark may report an unresolved column only when a query runs. */
  private static void requireColumn(SparkSession spark, Dataset<Row> table, String column, String option) {
    boolean caseSensitive = Boolean.parseBoolean(spark.conf().get("spark.sql.caseSensitive", "false"));
    boolean present = Arrays.stream(table.columns())
        .anyMatch(c -> caseSensitive ? c.equals(column) : c.equalsIgnoreCase(column));
    if (!present) {
      throw JobException.badData("input has no column '" + column + "' (" + option + "); its columns are "
          + Arrays.toString(table.columns()));
    }
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
