package dev.sparkllm.planner.plan;

/**
 * Where one request goes.
 *
 * @param groupId its deepest group, or -1 when it is in none
 * @param partition the partition it runs in
 * @param unit the unit (a top-level group or the ungrouped pool) it belongs to
 */
public record Assignment(int groupId, int partition, int unit) implements java.io.Serializable {}
