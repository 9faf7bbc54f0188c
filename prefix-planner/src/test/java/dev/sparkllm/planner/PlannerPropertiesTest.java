package dev.sparkllm.planner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkllm.planner.PrefixPlanner.InMemoryPlan;
import dev.sparkllm.planner.cost.CostModel;
import dev.sparkllm.planner.plan.Assignment;
import dev.sparkllm.planner.plan.Plan;
import dev.sparkllm.planner.plan.PlanGroup;
import dev.sparkllm.planner.summary.PrefixSummary;
import dev.sparkllm.planner.summary.SharedPrefixes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class PlannerPropertiesTest {
  private static PrefixPlanner planner(int blockSize) {
    return new PrefixPlanner(PlannerConfig.withBlockSize(blockSize), CostModel.SMOLLM2_CPU_2_THREADS);
  }

  @Property(tries = 200)
  void everyRequestIsAssignedExactlyOnce(@ForAll long seed, @ForAll @IntRange(min = 0, max = 80) int size,
      @ForAll @IntRange(min = 1, max = 8) int blockSize, @ForAll @IntRange(min = 1, max = 6) int partitions) {
    List<PlanRequest> requests = RandomJobs.job(seed, size);
    InMemoryPlan result = planner(blockSize).plan(requests, partitions);
    assertEquals(requests.size(), result.assignments().size());
    for (PlanRequest request : requests) {
      Assignment a = result.assignments().get(request.id());
      assertTrue(a.partition() >= 0 && a.partition() < partitions, "partition in range");
      assertTrue(a.groupId() >= -1 && a.groupId() < result.plan().groups().size(), "group exists");
    }
    long grouped = result.assignments().values().stream().filter(a -> a.groupId() >= 0).count();
    long direct = result.plan().groups().stream().mapToLong(PlanGroup::directRequests).sum();
    assertEquals(direct, grouped, "each group's direct member count matches the assignments");
  }

  @Property(tries = 200)
  void aGroupsPrefixIsARealPrefixOfEveryMember(@ForAll long seed, @ForAll @IntRange(min = 0, max = 80) int size,
      @ForAll @IntRange(min = 1, max = 8) int blockSize) {
    List<PlanRequest> requests = RandomJobs.job(seed, size);
    InMemoryPlan result = planner(blockSize).plan(requests, 3);
    Plan plan = result.plan();
    Map<Integer, List<PlanRequest>> members = new HashMap<>();
    for (PlanRequest request : requests) {
      // A member of a nested group is a member of every enclosing group too.
      for (int g = result.assignments().get(request.id()).groupId(); g >= 0; g = plan.groups().get(g).parentId()) {
        members.computeIfAbsent(g, k -> new ArrayList<>()).add(request);
      }
    }
    for (PlanGroup group : plan.groups()) {
      List<PlanRequest> of = members.get(group.id());
      assertEquals(group.requests(), of.size(), "group " + group.id() + " member count");
      assertEquals(0, group.prefixTokens() % blockSize, "prefix is block-aligned");
      int[] prefix = Arrays.copyOf(of.get(0).tokens(), group.prefixTokens());
      for (PlanRequest member : of) {
        assertTrue(member.tokens().length >= group.prefixTokens());
        assertArrayEquals(prefix, Arrays.copyOf(member.tokens(), group.prefixTokens()), "member " + member.id());
      }
    }
  }

  @Property(tries = 200)
  void theSavingNeverExceedsTheOptimum(@ForAll long seed, @ForAll @IntRange(min = 0, max = 80) int size,
      @ForAll @IntRange(min = 1, max = 8) int blockSize, @ForAll @IntRange(min = 1, max = 6) int partitions) {
    InMemoryPlan result = planner(blockSize).plan(RandomJobs.job(seed, size), partitions);
    long saved = result.plan().savedPrefillTokens();
    assertTrue(saved >= 0, "saving " + saved + " is not negative");
    assertTrue(saved <= result.forest().optimalSaving(),
        "saving " + saved + " exceeds the optimum " + result.forest().optimalSaving());
  }

  @Property(tries = 100)
  void plansAreDeterministicWhateverTheInputOrder(@ForAll long seed, @ForAll @IntRange(min = 0, max = 60) int size,
      @ForAll @IntRange(min = 1, max = 8) int blockSize) {
    List<PlanRequest> requests = RandomJobs.job(seed, size);
    InMemoryPlan first = planner(blockSize).plan(requests, 4);
    InMemoryPlan second = planner(blockSize).plan(RandomJobs.shuffled(requests, seed ^ 1), 4);
    assertEquals(first.plan().groups(), second.plan().groups());
    assertEquals(first.plan().pieces(), second.plan().pieces());
    assertEquals(new HashMap<>(first.assignments()), new HashMap<>(second.assignments()));
  }

  @Property(tries = 150)
  void summariesMergedInAnyOrderGiveTheSamePlanAsTheForest(@ForAll long seed,
      @ForAll @IntRange(min = 0, max = 80) int size, @ForAll @IntRange(min = 1, max = 8) int blockSize,
      @ForAll @IntRange(min = 1, max = 5) int dataPartitions, @ForAll @IntRange(min = 1, max = 3) int shards) {
    List<PlanRequest> requests = RandomJobs.job(seed, size);
    PrefixPlanner planner = planner(blockSize);
    Plan viaForest = planner.plan(requests, 3).plan();
    Plan first = planner.planFromShared(sharedPrefixes(planner, requests, dataPartitions, shards, seed), 3);
    Plan second = planner.planFromShared(sharedPrefixes(planner, requests, dataPartitions, shards, ~seed), 3);
    assertEquals(first.groups(), second.groups());
    assertEquals(first.pieces(), second.pieces());
    assertEquals(viaForest.groups(), first.groups(), "distributed and in-memory plans choose the same groups");
    for (PlanRequest request : requests) {
      assertEquals(first.assign(request.id(), request.tokens(), request.tokens().length),
          second.assign(request.id(), request.tokens(), request.tokens().length));
    }
  }

  /** Splits requests over data partitions at random, summarizes, and merges in a random order. */
  static SharedPrefixes sharedPrefixes(PrefixPlanner planner, List<PlanRequest> requests, int dataPartitions,
      int shards, long orderSeed) {
    Random random = new Random(orderSeed);
    PlannerConfig config = planner.config();
    List<List<PrefixSummary>> byShard = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      List<PrefixSummary> perPartition = new ArrayList<>();
      for (int p = 0; p < dataPartitions; p++) {
        perPartition.add(new PrefixSummary(config, s, shards));
      }
      byShard.add(perPartition);
    }
    var hasher = new dev.sparkllm.planner.hash.BlockHasher(config.blockSize(), config.hashSeed());
    for (PlanRequest request : requests) {
      int shard = PrefixSummary.shardOf(hasher, request.tokens(), request.tokens().length, shards);
      byShard.get(shard).get(random.nextInt(dataPartitions))
          .add(request.tokens(), request.tokens().length, planner.decodeEstimate(request));
    }
    List<SharedPrefixes> compacted = new ArrayList<>();
    for (List<PrefixSummary> perPartition : byShard) {
      List<PrefixSummary> pending = new ArrayList<>(perPartition);
      while (pending.size() > 1) { // random merge tree
        PrefixSummary a = pending.remove(random.nextInt(pending.size()));
        PrefixSummary b = pending.remove(random.nextInt(pending.size()));
        pending.add(random.nextBoolean() ? a.merge(b) : b.merge(a));
      }
      compacted.add(pending.get(0).compact());
    }
    Collections.shuffle(compacted, random);
    SharedPrefixes all = compacted.get(0);
    for (int i = 1; i < compacted.size(); i++) {
      all = random.nextBoolean() ? all.union(compacted.get(i)) : compacted.get(i).union(all);
    }
    return all;
  }
}
