package dev.sparkllm.uwfq.sim;

import dev.sparkllm.uwfq.core.UwfqConfig;
import dev.sparkllm.uwfq.core.VirtualFairQueue;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Earliest virtual deadline first, over a {@link VirtualFairQueue}. Keyed by user it is UWFQ;
 * keyed by job (every job its own "user", no grace) it is CFQ, cluster fair queuing, whose virtual
 * system shares the cluster among jobs.
 */
public final class VirtualQueuePolicy implements SchedulingPolicy {
  private final String name;
  private final boolean perUser;
  private final VirtualFairQueue queue;
  private final ToDoubleFunction<SimJob> sizeEstimate;

  private VirtualQueuePolicy(String name, boolean perUser, int cores, UwfqConfig config,
                             ToDoubleFunction<SimJob> sizeEstimate) {
    this.name = name;
    this.perUser = perUser;
    this.queue = new VirtualFairQueue(cores, config);
    this.sizeEstimate = sizeEstimate;
  }

  /** UWFQ with a perfect size estimate (what the authors evaluated). */
  public static VirtualQueuePolicy uwfq(int cores) {
    return uwfq("UWFQ", cores, SimJob::work);
  }

  public static VirtualQueuePolicy uwfq(String name, int cores, ToDoubleFunction<SimJob> estimate) {
    return new VirtualQueuePolicy(name, true, cores, UwfqConfig.defaults(), estimate);
  }

  public static VirtualQueuePolicy cfq(int cores) {
    return cfq("CFQ", cores);
  }

  public static VirtualQueuePolicy cfq(String name, int cores) {
    return new VirtualQueuePolicy(name, false, cores,
        UwfqConfig.defaults().withGraceTime(0), SimJob::work);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void jobArrived(RunnableJob job, double now) {
    String key = perUser ? job.job().user() : job.job().id();
    queue.submit(job.job().id(), key, Math.max(1e-6, sizeEstimate.applyAsDouble(job.job())), now);
  }

  @Override
  public void jobFinished(RunnableJob job, double now) {
    // The simulator knows the true work; a smaller truth shrinks an over-estimated job.
    queue.finish(job.job().id(), now, job.job().work());
  }

  @Override
  public RunnableJob pick(List<RunnableJob> candidates, double now) {
    queue.advanceTo(now);
    RunnableJob best = null;
    double bestDeadline = Double.POSITIVE_INFINITY;
    for (RunnableJob j : candidates) {
      double d = queue.deadline(j.job().id()).orElse(Double.POSITIVE_INFINITY);
      if (best == null || d < bestDeadline || (d == bestDeadline && j.seq() < best.seq())) {
        best = j;
        bestDeadline = d;
      }
    }
    return best;
  }
}
