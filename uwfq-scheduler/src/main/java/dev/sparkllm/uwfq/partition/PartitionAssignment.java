package dev.sparkllm.uwfq.partition;

import java.util.ArrayList;
import java.util.List;

/** Which partition each weighted item goes to, and the resulting load of each partition. */
public final class PartitionAssignment {
  private final int[] partitionOfItem;
  private final double[] load;

  PartitionAssignment(int[] partitionOfItem, double[] load) {
    this.partitionOfItem = partitionOfItem;
    this.load = load;
  }

  public int partitions() {
    return load.length;
  }

  public int items() {
    return partitionOfItem.length;
  }

  public int partitionOf(int item) {
    return partitionOfItem[item];
  }

  public double load(int partition) {
    return load[partition];
  }

  public double maxLoad() {
    double m = 0;
    for (double l : load) m = Math.max(m, l);
    return m;
  }

  /** Item indices of one partition, in their original order (keeps input locality). */
  public List<Integer> itemsOf(int partition) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < partitionOfItem.length; i++) if (partitionOfItem[i] == partition) out.add(i);
    return out;
  }

  /** A copy of the item → partition array. */
  public int[] toArray() {
    return partitionOfItem.clone();
  }
}
