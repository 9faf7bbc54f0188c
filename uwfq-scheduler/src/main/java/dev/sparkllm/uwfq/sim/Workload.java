package dev.sparkllm.uwfq.sim;

import java.util.List;
import java.util.Set;

/** Jobs for a cluster of {@code cores}; {@code smallUsers} are the ones whose response we watch. */
public record Workload(String name, int cores, List<SimJob> jobs, Set<String> smallUsers) {}
