package dev.sparkllm.spark.progress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Prints a progress line every few seconds for a person watching a terminal, on a daemon thread
 * so a forgotten reporter never keeps the JVM alive. Lines go to stderr in the job, where they do
 * not mix with anything a caller might parse from stdout.
 */
public final class ProgressReporter implements AutoCloseable {
  private final ScheduledExecutorService timer;

  private ProgressReporter(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Starts printing {@code progress.get().format()} to {@code out} every {@code interval}. */
  public static ProgressReporter start(Supplier<ProgressSnapshot> progress, PrintStream out,
                                       Duration interval) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "sparkllm-progress");
      thread.setDaemon(true);
      return thread;
    });
    long millis = Math.max(100, interval.toMillis());
    timer.scheduleAtFixedRate(() -> out.println(progress.get().format()), millis, millis,
        TimeUnit.MILLISECONDS);
    return new ProgressReporter(timer);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
