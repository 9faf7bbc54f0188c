package dev.sparkllm.uwfq.sim;

import java.util.Comparator;
import java.util.List;

/** Spark's FIFO: the oldest job first, whoever owns it. */
public final class FifoPolicy implements SchedulingPolicy {
  @Override
  public String name() {
    return "FIFO";
  }

  @Override
  public RunnableJob pick(List<RunnableJob> candidates, double now) {
    return candidates.stream().min(Comparator.comparingLong(RunnableJob::seq)).orElseThrow();
  }
}
