package dev.sparkllm.spark.job;

import dev.sparkllm.engine.sampling.SamplingParams;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Everything one generation run needs: where rows come from and go to, which columns hold the id
 * and the prompt, the llm_generate options, and how the work is cut into commits. Absent sampling
 * options are left to llm_generate's defaults rather than repeated here.
 */
public final class JobOptions {
  public static final int DEFAULT_CHUNK_ROWS = 10_000;
  public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(5);

  private final String input;
  private final Optional<InputFormat> inputFormat;
  private final String output;
  private final String idColumn;
  private final String promptColumn;
  private final String model;
  private final OptionalInt maxTokens;
  private final OptionalDouble temperature;
  private final OptionalDouble topP;
  private final OptionalInt topK;
  private final OptionalDouble minP;
  private final OptionalLong seed;
  private final List<String> stop;
  private final Optional<String> system;
  private final Optional<Boolean> chatTemplate;
  private final Optional<Boolean> parseSpecial;
  private final OptionalInt logprobs;
  private final String onError;
  private final boolean retryErrors;
  private final int chunkRows;
  private final Optional<String> user;
  private final Duration progressInterval;
  private final OptionalInt maxChunks;

  private JobOptions(Builder b) {
    this.input = require(b.input, "--input");
    this.inputFormat = Optional.ofNullable(b.inputFormat);
    this.output = require(b.output, "--output");
    this.idColumn = b.idColumn;
    this.promptColumn = b.promptColumn;
    this.model = b.model;
    this.maxTokens = b.maxTokens;
    this.temperature = b.temperature;
    this.topP = b.topP;
    this.topK = b.topK;
    this.minP = b.minP;
    this.seed = b.seed;
    this.stop = List.copyOf(b.stop);
    this.system = Optional.ofNullable(b.system);
    this.chatTemplate = Optional.ofNullable(b.chatTemplate);
    this.parseSpecial = Optional.ofNullable(b.parseSpecial);
    this.logprobs = b.logprobs;
    this.onError = b.onError;
    this.retryErrors = b.retryErrors;
    this.chunkRows = b.chunkRows;
    this.user = Optional.ofNullable(b.user);
    this.progressInterval = b.progressInterval;
    this.maxChunks = b.maxChunks;
    validate();
  }

  private static String require(String value, String option) {
    if (value == null || value.isBlank()) {
      throw JobException.usage("missing " + option);
    }
    return value;
  }

  private void validate() {
    if (idColumn.isBlank() || promptColumn.isBlank()) {
      throw JobException.usage("--id-col and --prompt-col must not be empty");
    }
    if (idColumn.equals(promptColumn)) {
      throw JobException.usage("--id-col and --prompt-col name the same column '" + idColumn + "'");
    }
    for (String column : List.of(idColumn, promptColumn)) {
      if (OutputColumns.GENERATED.contains(column)) {
        throw JobException.usage("column '" + column + "' would clash with the output column of that"
            + " name; rename it in the input (the output adds " + OutputColumns.GENERATED + ")");
      }
    }
    if (maxTokens.isPresent() && maxTokens.getAsInt() <= 0) {
      throw JobException.usage("--max-tokens must be positive");
    }
    if (temperature.isPresent() && !(temperature.getAsDouble() >= 0)) {
      throw JobException.usage("--temperature must be >= 0");
    }
    if (topP.isPresent() && !(topP.getAsDouble() > 0 && topP.getAsDouble() <= 1)) {
      throw JobException.usage("--top-p must be in (0, 1]");
    }
    if (topK.isPresent() && topK.getAsInt() < 0) {
      throw JobException.usage("--top-k must be >= 0");
    }
    if (minP.isPresent() && !(minP.getAsDouble() >= 0 && minP.getAsDouble() <= 1)) {
      throw JobException.usage("--min-p must be in [0, 1]");
    }
    if (logprobs.isPresent()) {
      // The engine's own check, so the job, SQL and the CLI accept the same values
      String invalid = SamplingParams.GREEDY.withLogprobs(logprobs.getAsInt()).validationError();
      if (invalid != null) {
        throw JobException.usage("--" + invalid);
      }
      if (idColumn.equals(OutputColumns.LOGPROBS) || promptColumn.equals(OutputColumns.LOGPROBS)) {
        throw JobException.usage("--logprobs adds an output column 'logprobs'; rename that input column");
      }
    }
    if (!onError.equals("null") && !onError.equals("fail")) {
      throw JobException.usage("--on-error must be null or fail, not '" + onError + "'");
    }
    if (chunkRows <= 0) {
      throw JobException.usage("--chunk-rows must be positive");
    }
    if (maxChunks.isPresent() && maxChunks.getAsInt() <= 0) {
      throw JobException.usage("--max-chunks must be positive");
    }
    if (model.isBlank()) {
      throw JobException.usage("--model must not be empty");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public String input() { return input; }
  public Optional<InputFormat> inputFormat() { return inputFormat; }
  public String output() { return output; }
  public String idColumn() { return idColumn; }
  public String promptColumn() { return promptColumn; }
  public String model() { return model; }
  public OptionalInt maxTokens() { return maxTokens; }
  public OptionalDouble temperature() { return temperature; }
  public OptionalDouble topP() { return topP; }
  public OptionalInt topK() { return topK; }
  public OptionalDouble minP() { return minP; }
  public OptionalLong seed() { return seed; }
  public List<String> stop() { return stop; }
  public Optional<String> system() { return system; }
  /** Whether to apply the model's chat template; empty leaves it to llm_generate. */
  public Optional<Boolean> chatTemplate() { return chatTemplate; }

  /** Whether a prompt without the chat template parses special tokens; empty leaves it to llm_generate (yes). */
  public Optional<Boolean> parseSpecial() { return parseSpecial; }

  /** Log-probabilities per generated token; present adds the output column {@code logprobs}. */
  public OptionalInt logprobs() { return logprobs; }
  /** {@code null} (a bad row gets an error, the job goes on) or {@code fail}. */
  public String onError() { return onError; }
  public boolean retryErrors() { return retryErrors; }
  public int chunkRows() { return chunkRows; }
  public Optional<String> user() { return user; }
  /** Zero turns the periodic progress line off. */
  public Duration progressInterval() { return progressInterval; }
  /**
   * Stop after this many committed chunks, as if the job had been killed there. For tests of
   * resuming and for trying a job on a first chunk; a later run continues where this one stopped.
   */
  public OptionalInt maxChunks() { return maxChunks; }

  /** Mutable collector of options; {@link #build()} checks them. */
  public static final class Builder {
    private String input;
    private InputFormat inputFormat;
    private String output;
    private String idColumn = "id";
    private String promptColumn = "prompt";
    private String model = "default";
    private OptionalInt maxTokens = OptionalInt.empty();
    private OptionalDouble temperature = OptionalDouble.empty();
    private OptionalDouble topP = OptionalDouble.empty();
    private OptionalInt topK = OptionalInt.empty();
    private OptionalDouble minP = OptionalDouble.empty();
    private OptionalLong seed = OptionalLong.empty();
    private List<String> stop = List.of();
    private String system;
    private Boolean chatTemplate;
    private Boolean parseSpecial;
    private OptionalInt logprobs = OptionalInt.empty();
    private String onError = "null";
    private boolean retryErrors;
    private int chunkRows = DEFAULT_CHUNK_ROWS;
    private String user;
    private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;
    private OptionalInt maxChunks = OptionalInt.empty();

    private Builder() {}

    public Builder input(String value) { input = value; return this; }
    public Builder inputFormat(InputFormat value) { inputFormat = value; return this; }
    public Builder output(String value) { output = value; return this; }
    public Builder idColumn(String value) { idColumn = Objects.requireNonNull(value); return this; }
    public Builder promptColumn(String value) { promptColumn = Objects.requireNonNull(value); return this; }
    public Builder model(String value) { model = Objects.requireNonNull(value); return this; }
    public Builder maxTokens(int value) { maxTokens = OptionalInt.of(value); return this; }
    public Builder temperature(double value) { temperature = OptionalDouble.of(value); return this; }
    public Builder topP(double value) { topP = OptionalDouble.of(value); return this; }
    public Builder topK(int value) { topK = OptionalInt.of(value); return this; }
    public Builder minP(double value) { minP = OptionalDouble.of(value); return this; }
    public Builder seed(long value) { seed = OptionalLong.of(value); return this; }
    public Builder stop(List<String> values) { stop = List.copyOf(values); return this; }
    public Builder system(String value) { system = value; return this; }
    public Builder chatTemplate(Boolean value) { chatTemplate = value; return this; }
    public Builder parseSpecial(Boolean value) { parseSpecial = value; return this; }
    public Builder logprobs(int value) { logprobs = OptionalInt.of(value); return this; }
    public Builder onError(String value) { onError = Objects.requireNonNull(value); return this; }
    public Builder retryErrors(boolean value) { retryErrors = value; return this; }
    public Builder chunkRows(int value) { chunkRows = value; return this; }
    public Builder user(String value) { user = value; return this; }
    public Builder progressInterval(Duration value) { progressInterval = Objects.requireNonNull(value); return this; }
    public Builder maxChunks(int value) { maxChunks = OptionalInt.of(value); return this; }

    public JobOptions build() {
      return new JobOptions(this);
    }
  }
}
