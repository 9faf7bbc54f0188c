package dev.sparkllm.spark.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/** Parses {@link GenerateJob}'s command line; every mistake becomes a {@link ExitCode#USAGE} error. */
public final class JobArguments {

  public static final String USAGE = """
      usage: spark-submit ... --class dev.sparkllm.spark.job.GenerateJob spark-plugin-<v>-all.jar \\
               --input PATH|TABLE --output DELTA_PATH [options]
             ... GenerateJob --verify-output DELTA_PATH [--id-col C] [--expect-rows N] [--expect-errors N]

      input and output
        --input PATH|TABLE        Delta directory, Parquet file/dir, JSON lines file/dir, or a table name
        --input-format F          delta | parquet | json | table (inferred when absent)
        --output PATH             Delta table directory; created on the first write
        --id-col C                unique, non-null id column (default id)
        --prompt-col C            prompt column (default prompt)
      generation (absent: llm_generate's defaults)
        --model NAME              model name from spark.llm.model.NAME.path (default default)
        --max-tokens N  --temperature T  --top-p P  --top-k K  --min-p P  --seed S
        --stop STRING             stop string; repeat for several
        --system TEXT             system message for the chat template
        --chat | --no-chat        apply the model's chat template or not
        --no-parse-special        without the chat template, keep special-token text as text
        --logprobs N              per generated token its logprob and N (0..20) alternatives,
                                  in an added output column logprobs
        --on-error null|fail      null: a bad row gets an error and the job goes on (default);
                                  fail: the first bad row fails the job
      running
        --retry-errors            generate again the output rows whose error is set, replacing them
        --chunk-rows N            rows per Delta commit (default 10000)
        --user NAME               user for fair scheduling (local property spark.llm.user)
        --progress-interval SEC   seconds between progress lines on stderr; 0: none (default 5)
        --max-chunks N            stop after N committed chunks (testing, trial runs); rerun resumes
        --help

      exit status: 0 done, 1 generation or write failed, 2 bad arguments,
                   3 bad input or output (not found, missing column, duplicate or null ids),
                   4 --verify-output found a difference
      """;

  private static final Set<String> FLAGS =
      Set.of("--chat", "--no-chat", "--no-parse-special", "--retry-errors", "--help", "-h");

  private JobArguments() {}

  public static JobCommand parse(String... args) {
    List<String[]> pairs = split(args);
    for (String[] pair : pairs) {
      if (pair[0].equals("--help") || pair[0].equals("-h")) {
        return new JobCommand.Help();
      }
    }
    for (String[] pair : pairs) {
      if (pair[0].equals("--verify-output")) {
        return parseVerify(pairs);
      }
    }
    return new JobCommand.Generate(parseGenerate(pairs));
  }

  /** Splits {@code --name value}, {@code --name=value} and flags into (name, value-or-null). */
  private static List<String[]> split(String[] args) {
    List<String[]> pairs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("-")) {
        throw JobException.usage("unexpected argument '" + arg + "' (options start with --; see --help)");
      }
      int equals = arg.indexOf('=');
      if (equals > 0) {
        pairs.add(new String[] {arg.substring(0, equals), arg.substring(equals + 1)});
      } else if (FLAGS.contains(arg)) {
        pairs.add(new String[] {arg, null});
      } else if (i + 1 < args.length) {
        pairs.add(new String[] {arg, args[++i]});
      } else {
        throw JobException.usage("option " + arg + " needs a value");
      }
    }
    return pairs;
  }

  private static JobOptions parseGenerate(List<String[]> pairs) {
    JobOptions.Builder b = JobOptions.builder();
    List<String> stops = new ArrayList<>();
    for (String[] pair : pairs) {
      String name = pair[0];
      String value = pair[1];
      if (value == null != FLAGS.contains(name)) {
        throw JobException.usage("option " + name + " takes no value");
      }
      switch (name) {
        case "--input" -> b.input(value);
        case "--input-format" -> b.inputFormat(InputFormat.parse(value));
        case "--output" -> b.output(value);
        case "--id-col" -> b.idColumn(value);
        case "--prompt-col" -> b.promptColumn(value);
        case "--model" -> b.model(value);
        case "--max-tokens" -> b.maxTokens(intValue(name, value));
        case "--temperature" -> b.temperature(doubleValue(name, value));
        case "--top-p" -> b.topP(doubleValue(name, value));
        case "--top-k" -> b.topK(intValue(name, value));
        case "--min-p" -> b.minP(doubleValue(name, value));
        case "--seed" -> b.seed(longValue(name, value));
        case "--stop" -> stops.add(value);
        case "--system" -> b.system(value);
        case "--chat" -> b.chatTemplate(true);
        case "--no-chat" -> b.chatTemplate(false);
        case "--no-parse-special" -> b.parseSpecial(false);
        case "--logprobs" -> b.logprobs(intValue(name, value));
        case "--on-error" -> b.onError(value);
        case "--retry-errors" -> b.retryErrors(true);
        case "--chunk-rows" -> b.chunkRows(intValue(name, value));
        case "--user" -> b.user(value);
        case "--progress-interval" -> b.progressInterval(seconds(name, value));
        case "--max-chunks" -> b.maxChunks(intValue(name, value));
        default -> throw unknown(name);
      }
    }
    return b.stop(stops).build();
  }

  private static JobCommand.Verify parseVerify(List<String[]> pairs) {
    String output = null;
    String idColumn = "id";
    OptionalLong expectRows = OptionalLong.empty();
    OptionalLong expectErrors = OptionalLong.empty();
    for (String[] pair : pairs) {
      String name = pair[0];
      String value = pair[1];
      if (value == null) {
        throw JobException.usage("option " + name + " does not go with --verify-output");
      }
      switch (name) {
        case "--verify-output" -> output = value;
        case "--id-col" -> idColumn = value;
        case "--expect-rows" -> expectRows = OptionalLong.of(longValue(name, value));
        case "--expect-errors" -> expectErrors = OptionalLong.of(longValue(name, value));
        default -> throw JobException.usage("option " + name + " does not go with --verify-output");
      }
    }
    return new JobCommand.Verify(output, idColumn, expectRows, expectErrors);
  }

  private static JobException unknown(String name) {
    return JobException.usage("unknown option " + name + " (see --help)");
  }

  private static int intValue(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw JobException.usage(name + " needs a whole number, not '" + value + "'");
    }
  }

  private static long longValue(String name, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw JobException.usage(name + " needs a whole number, not '" + value + "'");
    }
  }

  private static double doubleValue(String name, String value) {
    try {
      double parsed = Double.parseDouble(value.trim());
      if (!Double.isFinite(parsed)) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw JobException.usage(name + " needs a number, not '" + value + "'");
    }
  }

  private static Duration seconds(String name, String value) {
    double parsed = doubleValue(name, value);
    if (parsed < 0) {
      throw JobException.usage(name + " must be >= 0");
    }
    return Duration.ofMillis(Math.round(parsed * 1000));
  }
}
