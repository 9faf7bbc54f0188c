package dev.sparkllm.spark.job;

/** Exit statuses of {@link GenerateJob}; scripts and schedulers branch on them, so they are fixed. */
public enum ExitCode {
  /** Done: every input row is in the output, or the run stopped where --max-chunks asked it to. */
  OK(0),
  /** Generation or writing failed (for example --on-error fail met a bad row); rerun to resume. */
  FAILED(1),
  /** The command line is wrong: unknown option, missing or malformed value. */
  USAGE(2),
  /** The input or output cannot be used: not found, missing column, duplicate or null ids. */
  BAD_DATA(3),
  /** --verify-output found the output table different from what was expected. */
  VERIFY_FAILED(4);

  private final int status;

  ExitCode(int status) {
    this.status = status;
  }

  public int status() {
    return status;
  }
}
