package dev.sparkllm.spark.job;

/**
 * A failure the job explains to its user in one message, with the exit status that classifies it.
 * Anything else that escapes the job is unexpected and exits with {@link ExitCode#FAILED}.
 */
public final class JobException extends RuntimeException {
  private final ExitCode exitCode;

  public JobException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public JobException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  static JobException usage(String message) {
    return new JobException(ExitCode.USAGE, message);
  }

  static JobException badData(String message) {
    return new JobException(ExitCode.BAD_DATA, message);
  }
}
