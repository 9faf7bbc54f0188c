package dev.sparkllm.uwfq.sim;

import java.util.List;
import java.util.function.IntFunction;

/** The schedulers the benchmark compares, as fresh policy instances per run. */
public final class Schedulers {
  /** A named policy factory, and whether it runs with runtime partitioning ("-P"). */
  public record Entry(String name, boolean partitioned, IntFunction<SchedulingPolicy> policy) {}

  private Schedulers() {}

  public static List<Entry> all() {
    return List.of(
        new Entry("FIFO", false, c -> new FifoPolicy()),
        new Entry("FAIR", false, c -> new JobFairPolicy()),
        new Entry("UJF", false, c -> new UserFairPolicy()),
        new Entry("CFQ", false, c -> VirtualQueuePolicy.cfq(c)),
        new Entry("UWFQ", false, c -> VirtualQueuePolicy.uwfq(c)),
        new Entry("FAIR-P", true, c -> new JobFairPolicy()),
        new Entry("CFQ-P", true, c -> VirtualQueuePolicy.cfq("CFQ-P", c)),
        new Entry("UWFQ-P", true, c -> VirtualQueuePolicy.uwfq("UWFQ-P", c, SimJob::work)));
  }
}
