package dev.sparkllm.planner.plan;

import dev.sparkllm.planner.cost.Cost;

/**
 * The part {@code [from, to)} of a unit's member interval that runs in one partition.
 *
 * @param unit index of the unit in the plan's order
 * @param partition the partition it runs in
 * @param cost its estimated work (the unit's prefix counted once more per extra piece)
 */
public record Piece(int unit, double from, double to, int partition, Cost cost) implements java.io.Serializable {
  public boolean contains(double position) {
    return position >= from && position < to;
  }
}
