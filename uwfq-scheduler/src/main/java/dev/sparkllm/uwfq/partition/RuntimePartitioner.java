package dev.sparkllm.uwfq.partition;

import java.util.Arrays;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Runtime partitioning: cut a job into tasks of about a target duration. Spark never preempts a
 * running task, so a newly arrived job of a small user waits for at most one task length before it
 * gets a core; short tasks bound that priority inversion. Too short and per-task overhead dominates,
 * hence a target of a couple of seconds for LLM work instead of the authors' 0.5 s for CPU loops.
 */
public final class RuntimePartitioner {
  public static final double DEFAULT_TARGET_SECONDS = 2.0;

  private RuntimePartitioner() {}

  /**
   * Number of tasks so that each takes about {@code targetSeconds}: ceil(total / target), kept
   * within [minPartitions, maxPartitions]. A tiny or unknown (0, NaN) cost gives minPartitions;
   * never below 1.
   */
  public static int partitionCount(
      double totalCostSeconds, double targetSeconds, int minPartitions, int maxPartitions) {
    if (!(targetSeconds > 0)) throw new IllegalArgumentException("targetSeconds must be > 0");
    int lo = Math.max(1, minPartitions);
    int hi = Math.max(lo, maxPartitions);
    if (!(totalCostSeconds > 0)) return lo;
    double raw = Math.ceil(totalCostSeconds / targetSeconds - 1e-9);
    if (raw >= hi) return hi;
    return (int) Math.max(lo, raw);
  }

  /**
   * Spreads weighted items over {@code partitions} so that the heaviest partition is as light as
   * the greedy rule can make it: largest item first onto the least-loaded partition (LPT). Its
   * heaviest partition is within 4/3 of the optimum and never above mean + largest item.
   * Deterministic: ties go to the lower partition index.
   */
  public static PartitionAssignment assign(double[] itemCosts, int partitions) {
    if (partitions < 1) throw new IllegalArgumentException("partitions must be >= 1");
    int n = itemCosts.length;
    Integer[] byCostDesc = new Integer[n];
    for (int i = 0; i < n; i++) {
      if (!(itemCosts[i] >= 0) || Double.isInfinite(itemCosts[i])) {
        throw new IllegalArgumentException("item " + i + " has cost " + itemCosts[i]);
      }
      byCostDesc[i] = i;
    }
    Arrays.sort(byCostDesc, Comparator.<Integer>comparingDouble(i -> -itemCosts[i])
        .thenComparingInt(i -> i));
    double[] load = new double[partitions];
    PriorityQueue<Integer> lightest = new PriorityQueue<>(
        Comparator.<Integer>comparingDouble(p -> load[p]).thenComparingInt(p -> p));
    for (int p = 0; p < partitions; p++) lightest.add(p);
    int[] partitionOf = new int[n];
    for (int i : byCostDesc) {
      int p = lightest.poll();
      partitionOf[i] = p;
      load[p] += itemCosts[i];
      lightest.add(p);
    }
    return new PartitionAssignment(partitionOf, load);
  }

  /** Both steps at once: choose the count from the items' total, then balance the items over it. */
  public static PartitionAssignment plan(
      double[] itemCosts, double targetSeconds, int minPartitions, int maxPartitions) {
    double total = 0;
    for (double c : itemCosts) total += c;
    int count = partitionCount(total, targetSeconds, minPartitions, maxPartitions);
    return assign(itemCosts, count);
  }
}
