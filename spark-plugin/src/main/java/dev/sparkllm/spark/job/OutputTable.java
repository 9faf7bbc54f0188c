package dev.sparkllm.spark.job;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The job's Delta output table. Writes are MERGEs keyed on the id, so committing the same rows twice
 * (a retried commit, two runs at once) cannot produce a second row for an id; reads tell which ids
 * are finished so a rerun skips them.
 */
final class OutputTable {
  private final SparkSession spark;
  private final String path;
  private final String idColumn;

  OutputTable(SparkSession spark, String path, String idColumn) {
    this.spark = spark;
    this.path = qualified(spark, path);
    this.idColumn = idColumn;
  }

  /**
   * The path with its file system and made absolute: Delta's table builder takes a relative
   * location for a table name and refuses it.
   */
  private static String qualified(SparkSession spark, String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean exists() {
    return DeltaTable.isDeltaTable(spark, path);
  }

  /**
   * Refuses an output location that is not empty and not a Delta table, or a Delta table that
   * lacks the columns this job writes or keys its ids with another type.
   */
  void requireUsable(StructType inputColumns, String promptColumn, boolean logprobs) {
    if (!exists()) {
      if (holdsFiles()) {
        throw JobException.badData("output " + path + " exists and is not a Delta table; "
            + "choose an empty or new --output");
      }
      return;
    }
    StructType schema = DeltaTable.forPath(spark, path).toDF().schema();
    List<String> missing = new ArrayList<>();
    List<String> expected = new ArrayList<>(List.of(idColumn, promptColumn));
    expected.addAll(OutputColumns.GENERATED);
    if (logprobs) {
      expected.add(OutputColumns.LOGPROBS);
    }
    List<String> present = Arrays.asList(schema.fieldNames());
    for (String column : expected) {
      if (!present.contains(column)) {
        missing.add(column);
      }
    }
    if (!missing.isEmpty()) {
      throw JobException.badData("output " + path + " is a Delta table without the column(s) "
          + missing + " this job writes; choose another --output (or the matching --id-col/--prompt-col)");
    }
    DataType outputIdType = schema.apply(idColumn).dataType();
    DataType inputIdType = inputColumns.apply(idColumn).dataType();
    if (!outputIdType.equals(inputIdType)) {
      throw JobException.badData("id column '" + idColumn + "' is " + inputIdType.simpleString()
          + " in the input but " + outputIdType.simpleString() + " in output " + path);
    }
  }

  /**
   * Ids whose rows need no more work: all ids in the table, or with {@code retryErrors} only those
   * whose row has no error.
   */
  Dataset<Row> finishedIds(boolean retryErrors) {
    Dataset<Row> table = spark.read().format("delta").load(path);
    if (retryErrors) {
      table = table.filter(col(OutputColumns.ERROR).isNull());
    }
    return table.select(col(SqlNames.quoted(idColumn)));
  }

  /** Creates the table with the schema of the rows to be written, all columns nullable. */
  void createIfAbsent(StructType rowSchema) {
    StructField[] nullable = Arrays.stream(rowSchema.fields())
        .map(f -> new StructField(f.name(), f.dataType(), true, f.metadata()))
        .toArray(StructField[]::new);
    DeltaTable.createIfNotExists(spark).location(path).addColumns(new StructType(nullable)).execute();
  }

  /** What one merge did. */
  record MergeCounts(long inserted, long updated) {
    long written() {
      return inserted + updated;
    }
  }

  /**
   * Merges {@code rows} (unique ids) in one Delta commit: a new id is inserted; an id already there
   * is left alone, or with {@code replaceErrors} replaced when its stored row has an error.
   */
  MergeCounts merge(Dataset<Row> rows, boolean replaceErrors) {
    DeltaMergeBuilder merge = DeltaTable.forPath(spark, path).as("t").merge(rows.as("s"),
        col(SqlNames.qualified("t", idColumn)).equalTo(col(SqlNames.qualified("s", idColumn))));
    if (replaceErrors) {
      merge = merge.whenMatched(col(SqlNames.qualified("t", OutputColumns.ERROR)).isNotNull()).updateAll();
    }
    Row metrics = merge.whenNotMatched().insertAll().execute().first();
    return new MergeCounts(metric(metrics, "num_inserted_rows"), metric(metrics, "num_updated_rows"));
  }

  private static long metric(Row metrics, String name) {
    int index = Arrays.asList(metrics.schema().fieldNames()).indexOf(name);
    return index < 0 || metrics.isNullAt(index) ? 0 : ((Number) metrics.get(index)).longValue();
  }

  private boolean holdsFiles() {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        return false;
      }
      FileStatus status = fs.getFileStatus(p);
      return status.isFile() || fs.listStatus(p).length > 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
