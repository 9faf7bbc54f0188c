package dev.sparkllm.spark.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import dev.sparkllm.spark.progress.JobProgress;
import dev.sparkllm.spark.progress.ProgressReporter;
import java.io.PrintStream;
import java.util.UUID;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The spark-submit job: generates llm_generate results for every input row that is not yet in the
 * Delta output, exactly once per id, in chunks of {@code --chunk-rows} rows per commit.
 *
 * <p>Why it is exactly once and resumable: the rows to do are the input minus the ids already in
 * the output (a left anti join), computed when the run starts; they are cut into chunks by a stable
 * hash of the id, and each chunk is written by one Delta MERGE that inserts only ids the table does
 * not have. A run killed anywhere leaves only whole chunks behind, a rerun skips their ids, and a
 * chunk committed twice finds its ids present and inserts nothing.
 *
 * <p>See {@link JobArguments#USAGE} for options and exit statuses.
 */
public final class GenerateJob {
  /** The local property that names the user of the jobs a thread submits (fair scheduling). */
  static final String USER_PROPERTY = "spark.llm.user";
  /** Where setJobDescription keeps the text the Spark UI shows (a private[spark] constant there). */
  private static final String JOB_DESCRIPTION_PROPERTY = "spark.job.description";

  private GenerateJob() {}

  public static void main(String[] args) {
    int status = execute(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Parses, runs and reports; returns the exit status instead of exiting (for tests). */
  static int execute(String[] args, PrintStream out, PrintStream err) {
    JobCommand command;
    try {
      command = JobArguments.parse(args);
    } catch (JobException e) {
      err.println("generate-job: " + e.getMessage());
      return e.exitCode().status();
    }
    if (command instanceof JobCommand.Help) {
      out.print(JobArguments.USAGE);
      return ExitCode.OK.status();
    }
    SparkSession spark = SparkSession.builder().appName("sparkllm-generate").getOrCreate();
    try {
      if (command instanceof JobCommand.Verify verify) {
        OutputVerifier.verify(spark, verify, out);
      } else if (command instanceof JobCommand.Generate generate) {
        run(spark, generate.options(), err);
      }
      return ExitCode.OK.status();
    } catch (JobException e) {
      err.println("generate-job: " + e.getMessage());
      return e.exitCode().status();
    } catch (Exception e) { // AnalysisException is checked in Java's eyes and thrown undeclared
      err.println("generate-job: failed: " + e);
      e.printStackTrace(err);
      return ExitCode.FAILED.status();
    } finally {
      spark.stop();
    }
  }

  /** Runs one generation with progress lines on stderr. */
  public static JobSummary run(SparkSession spark, JobOptions options) {
    return run(spark, options, System.err);
  }

  /** Runs one generation, printing progress and the summary line to {@code log}. */
  public static JobSummary run(SparkSession spark, JobOptions options, PrintStream log) {
    SparkContext sc = spark.sparkContext();
    // A tag of our own lets the progress listener count only this run's tasks, even in a notebook
    // where other queries run at the same time; unlike a job group it leaves the caller's alone.
    String tag = "sparkllm-generate-" + UUID.randomUUID();
    String previousUser = sc.getLocalProperty(USER_PROPERTY);
    String previousDescription = sc.getLocalProperty(JOB_DESCRIPTION_PROPERTY);
    sc.addJobTag(tag);
    options.user().ifPresent(user -> sc.setLocalProperty(USER_PROPERTY, user));
    try (JobProgress progress = JobProgress.forJobTag(tag).register(spark)) {
      JobSummary summary = new ChunkedRun(spark, options, progress, log).run();
      log.println(summary.format());
      return summary;
    } finally {
      sc.removeJobTag(tag);
      sc.setLocalProperty(USER_PROPERTY, previousUser);
      sc.setJobDescription(previousDescription);
    }
  }

  /** One run's state: the pending rows, their chunks, and what has been committed so far. */
  private static final class ChunkedRun {
    private final SparkSession spark;
    private final JobOptions options;
    private final JobProgress progress;
    private final PrintStream log;
    private final long startNanos = System.nanoTime();

    ChunkedRun(SparkSession spark, JobOptions options, JobProgress progress, PrintStream log) {
      this.spark = spark;
      this.options = options;
      this.progress = progress;
      this.log = log;
    }

    JobSummary run() {
      spark.sparkContext().setJobDescription("llm generate: reading " + options.input());
      Dataset<Row> input = InputReader.read(spark, options);
      long inputRows = InputChecks.requireUniqueNonNullIds(input, options.idColumn());
      OutputTable output = new OutputTable(spark, options.output(), options.idColumn());
      output.requireUsable(input.schema(), options.promptColumn(), options.logprobs().isPresent());

      Dataset<Row> pending = output.exists() ? withoutFinished(input, output) : input;
      // Kept so each chunk filters the pending rows instead of joining with the output again. If a
      // cached block is lost the rows are recomputed against the output as it is then, which only
      // drops ids committed meanwhile: a chunk's ids never change, since the bucket count is fixed.
      pending = pending.persist(StorageLevel.MEMORY_AND_DISK());
      try {
        long pendingRows = pending.count();
        long alreadyDone = inputRows - pendingRows;
        progress.setTotals(inputRows, alreadyDone);
        if (pendingRows == 0) {
          log.printf("nothing to do: all %,d input rows are in %s%n", inputRows, options.output());
          return summary(inputRows, alreadyDone, 0, 0, ChunkStats.ZERO, 0, 0, true);
        }
        int chunks = (int) Math.min(Integer.MAX_VALUE, (pendingRows + options.chunkRows() - 1) / options.chunkRows());
        log.printf("generating %,d of %,d input rows (%,d already in the output) in %d chunk(s)%n",
            pendingRows, inputRows, alreadyDone, chunks);
        try (ProgressReporter reporter = startReporter()) {
          return generateChunks(pending, output, inputRows, alreadyDone, chunks);
        }
      } finally {
        pending.unpersist(false);
      }
    }

    private Dataset<Row> withoutFinished(Dataset<Row> input, OutputTable output) {
      Dataset<Row> finished = output.finishedIds(options.retryErrors()).toDF("_finished_id");
      return input.join(finished,
          col(SqlNames.quoted(options.idColumn())).equalTo(col("_finished_id")), "left_anti");
    }

    private ProgressReporter startReporter() {
      if (options.progressInterval().isZero()) {
        return null; // try-with-resources accepts null and then closes nothing
      }
      return ProgressReporter.start(progress::snapshot, log, options.progressInterval());
    }

    private JobSummary generateChunks(Dataset<Row> pending, OutputTable output, long inputRows,
                                      long alreadyDone, int chunks) {
      // A stable hash of the id picks the chunk, so chunks need no sort or shuffle of the input.
      Column chunkOfRow = pmod(xxhash64(col(SqlNames.quoted(options.idColumn()))), lit(chunks));
      ChunkStats generated = ChunkStats.ZERO;
      long written = 0;
      long replaced = 0;
      int committed = 0;
      for (int chunk = 0; chunk < chunks; chunk++) {
        if (options.maxChunks().isPresent() && committed >= options.maxChunks().getAsInt()) {
          log.printf("stopping after %d chunk(s) as --max-chunks asks; a rerun continues%n", committed);
          return summary(inputRows, alreadyDone, written, replaced, generated, committed, chunks, false);
        }
        spark.sparkContext().setJobDescription(
            String.format("llm generate: chunk %d/%d into %s", chunk + 1, chunks, options.output()));
        Dataset<Row> rows = pending.filter(chunkOfRow.equalTo(chunk));
        // Generated once into the cache by the counts below; the merge then reads a copy of the
        // cached rows (see frozen), because Delta plans a MERGE source afresh and would not find the
        // cache: it would run the model again, possibly with other results than those counted.
        Dataset<Row> results = GenerationRequest.generate(rows, options).persist(StorageLevel.MEMORY_AND_DISK());
        try {
          ChunkStats stats = generate(results, chunk, chunks, committed);
          if (stats.rows() == 0) {
            continue;
          }
          output.createIfAbsent(results.schema());
          OutputTable.MergeCounts merged = commit(output, frozen(results), chunk, chunks, committed);
          generated = generated.plus(stats);
          written += merged.written();
          replaced += merged.updated();
          committed++;
        } finally {
          results.unpersist(false);
        }
      }
      return summary(inputRows, alreadyDone, written, replaced, generated, committed, chunks, true);
    }

    /**
     * The rows of a cached Dataset as a DataFrame over its RDD: whoever plans it gets a scan of that
     * RDD (which reads the cache), not the query that made the rows.
     */
    private Dataset<Row> frozen(Dataset<Row> cached) {
      return spark.createDataFrame(cached.javaRDD(), cached.schema());
    }

    private ChunkStats generate(Dataset<Row> results, int chunk, int chunks, int committed) {
      try {
        return ChunkStats.of(results);
      } catch (Exception e) {
        throw failed("generating chunk " + (chunk + 1) + "/" + chunks, committed, e);
      }
    }

    private OutputTable.MergeCounts commit(OutputTable output, Dataset<Row> results, int chunk,
                                           int chunks, int committed) {
      try {
        return output.merge(results, options.retryErrors());
      } catch (Exception e) {
        throw failed("writing chunk " + (chunk + 1) + "/" + chunks, committed, e);
      }
    }

    private JobException failed(String step, int committed, Exception cause) {
      return new JobException(ExitCode.FAILED, step + " failed (" + committed
          + " chunk(s) of this run are committed; a rerun resumes after them): "
          + InputReader.firstLine(rootMessage(cause)), cause);
    }

    private JobSummary summary(long inputRows, long alreadyDone, long written, long replaced,
                               ChunkStats generated, int committed, int chunks, boolean complete) {
      return new JobSummary(inputRows, alreadyDone, written, replaced, generated.errors(),
          generated.promptTokens(), generated.generatedTokens(), generated.cachedTokens(),
          committed, chunks, complete, (System.nanoTime() - startNanos) / 1e9);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " / caused by: " + root;
  }
}
