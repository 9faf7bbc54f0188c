package dev.sparkllm.spark.exec;

import org.apache.spark.Partitioner;

/** Sends a row to the partition number its key already is (the plan decided it). */
final class ExactPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;
  private final int partitions;

  ExactPartitioner(int partitions) {
    this.partitions = partitions;
  }

  @Override
  public int numPartitions() {
    return partitions;
  }

  @Override
  public int getPartition(Object key) {
    return (Integer) key;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExactPartitioner other && other.partitions == partitions;
  }

  @Override
  public int hashCode() {
    return partitions;
  }
}
