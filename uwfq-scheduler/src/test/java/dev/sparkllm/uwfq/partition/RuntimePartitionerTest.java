package dev.sparkllm.uwfq.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RuntimePartitionerTest {

  @Test
  void countIsTotalOverTargetRoundedUp() {
    assertEquals(5, RuntimePartitioner.partitionCount(10, 2, 1, 100));
    assertEquals(6, RuntimePartitioner.partitionCount(10.5, 2, 1, 100));
    assertEquals(1, RuntimePartitioner.partitionCount(0.1, 2, 1, 100));
    assertEquals(4, RuntimePartitioner.partitionCount(0.1, 2, 4, 100), "min partitions");
    assertEquals(100, RuntimePartitioner.partitionCount(1e9, 2, 1, 100), "max partitions");
    assertEquals(3, RuntimePartitioner.partitionCount(Double.NaN, 2, 3, 10), "unknown cost");
  }

  @Property
  void countStaysInBoundsAndTasksMeetTheTarget(
      @ForAll @DoubleRange(min = 0, max = 1e5) double total,
      @ForAll @DoubleRange(min = 0.1, max = 30) double target,
      @ForAll @IntRange(min = 1, max = 50) int min,
      @ForAll @IntRange(min = 0, max = 5000) int extra) {
    int max = min + extra;
    int n = RuntimePartitioner.partitionCount(total, target, min, max);
    assertTrue(n >= min && n <= max);
    if (n < max) assertTrue(total / n <= target * (1 + 1e-9), "tasks no longer than the target");
    if (n > min) assertTrue(total / (n - 1) > target * (1 - 1e-9), "no more tasks than needed");
  }

  @Property
  void assignmentIsCompleteAndBalanced(
      @ForAll @Size(min = 0, max = 300) List<@DoubleRange(min = 0, max = 50) Double> costs,
      @ForAll @IntRange(min = 1, max = 40) int partitions) {
    double[] c = costs.stream().mapToDouble(Double::doubleValue).toArray();
    PartitionAssignment a = RuntimePartitioner.assign(c, partitions);
    assertEquals(partitions, a.partitions());
    double total = 0;
    double largest = 0;
    double[] recomputed = new double[partitions];
    for (int i = 0; i < c.length; i++) {
      recomputed[a.partitionOf(i)] += c[i];
      total += c[i];
      largest = Math.max(largest, c[i]);
    }
    for (int p = 0; p < partitions; p++) assertEquals(recomputed[p], a.load(p), 1e-9);
    // Greedy list-scheduling bound; a poor balancer (round robin over sorted input) breaks it.
    assertTrue(a.maxLoad() <= total / partitions + largest + 1e-9);
    // LPT: the heaviest partition's last item could not have gone anywhere lighter.
    double minLoad = Double.MAX_VALUE;
    for (int p = 0; p < partitions; p++) minLoad = Math.min(minLoad, a.load(p));
    assertTrue(a.maxLoad() - minLoad <= largest + 1e-9);
  }

  @Test
  void equalItemsSpreadEvenly() {
    double[] c = new double[12];
    java.util.Arrays.fill(c, 1.0);
    PartitionAssignment a = RuntimePartitioner.plan(c, 3.0, 1, 100);
    assertEquals(4, a.partitions());
    for (int p = 0; p < 4; p++) assertEquals(3.0, a.load(p), 1e-12);
    assertEquals(List.of(0, 4, 8), a.itemsOf(0));
  }

  @Test
  void skewedItemsAreBalancedBetterThanInOrderFilling() {
    double[] c = {9, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    PartitionAssignment a = RuntimePartitioner.assign(c, 2);
    assertEquals(9.0, a.maxLoad(), 1e-12);
  }
}
