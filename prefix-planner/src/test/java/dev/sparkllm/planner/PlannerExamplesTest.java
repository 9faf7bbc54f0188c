package dev.sparkllm.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkllm.planner.PrefixPlanner.InMemoryPlan;
import dev.sparkllm.planner.cost.CostModel;
import dev.sparkllm.planner.estimate.DecodeLengthEstimator;
import dev.sparkllm.planner.plan.Assignment;
import dev.sparkllm.planner.plan.Plan;
import dev.sparkllm.planner.plan.PlanGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlannerExamplesTest {
  private static final PrefixPlanner PLANNER = new PrefixPlanner(PlannerConfig.defaults(), CostModel.SMOLLM2_CPU_2_THREADS);

  /** Tokens {@code base, base+1, ...}: distinct bases give segments that share nothing. */
  static int[] segment(int base, int length) {
    int[] tokens = new int[length];
    for (int i = 0; i < length; i++) {
      tokens[i] = base + i;
    }
    return tokens;
  }

  static int[] concat(int[]... parts) {
    int length = 0;
    for (int[] p : parts) {
      length += p.length;
    }
    int[] out = new int[length];
    int at = 0;
    for (int[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  static List<PlanRequest> batchLlmShape(int groups, int degree, int shared, int distinct, int maxTokens) {
    List<PlanRequest> requests = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      for (int m = 0; m < degree; m++) {
        int[] tokens = concat(segment(1_000_000 * (g + 1), shared), segment(500_000_000 + 1000 * (g * degree + m), distinct));
        requests.add(PlanRequest.of("g" + g + "-m" + m, tokens, maxTokens));
      }
    }
    return requests;
  }

  @Test
  void findsEachSharedContextOfTheBatchLlmShapeAsOneGroup() {
    InMemoryPlan result = PLANNER.plan(batchLlmShape(4, 16, 64, 8, 32), 2);
    Plan plan = result.plan();
    assertEquals(4, plan.groups().size());
    for (PlanGroup group : plan.groups()) {
      assertEquals(64, group.prefixTokens());
      assertEquals(16, group.requests());
      assertEquals(-1, group.parentId());
    }
    assertEquals(4 * 15 * 64, plan.savedPrefillTokens());
    assertEquals(result.forest().optimalSaving(), plan.savedPrefillTokens(), "aligned contexts reach the optimum");
    Map<String, Integer> groupOfMember = result.assignments().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().groupId()));
    for (int g = 0; g < 4; g++) {
      int expected = groupOfMember.get("g" + g + "-m0");
      for (int m = 1; m < 16; m++) {
        assertEquals(expected, groupOfMember.get("g" + g + "-m" + m));
      }
    }
  }

  @Test
  void keepsEveryLevelOfNestedSharing() {
    int[] system = segment(1_000, 32);
    List<PlanRequest> requests = new ArrayList<>();
    for (int variant = 0; variant < 2; variant++) {
      for (int doc = 0; doc < 3; doc++) {
        for (int q = 0; q < 4; q++) {
          int[] tokens = concat(system, segment(10_000 * (variant + 1), 32),
              segment(1_000_000 * (variant * 3 + doc + 1), 48), segment(900_000_000 + 100 * (variant * 12 + doc * 4 + q), 8));
          requests.add(PlanRequest.of("v" + variant + "d" + doc + "q" + q, tokens, 16));
        }
      }
    }
    Plan plan = PLANNER.plan(requests, 1).plan();
    List<PlanGroup> groups = plan.groups();
    assertEquals(1 + 2 + 6, groups.size());
    PlanGroup top = groups.get(0);
    assertEquals(32, top.prefixTokens());
    assertEquals(24, top.requests());
    assertEquals(0, top.level());
    long fewShot = groups.stream().filter(g -> g.level() == 1).peek(g -> {
      assertEquals(64, g.prefixTokens());
      assertEquals(32, g.sharedTokens());
      assertEquals(12, g.requests());
      assertEquals(top.id(), g.parentId());
    }).count();
    long documents = groups.stream().filter(g -> g.level() == 2).peek(g -> {
      assertEquals(112, g.prefixTokens());
      assertEquals(48, g.sharedTokens());
      assertEquals(4, g.requests());
      assertEquals(4, g.directRequests());
    }).count();
    assertEquals(2, fewShot);
    assertEquals(6, documents);
    // Each level computed once: 23 * 32 + 2 * 11 * 32 + 6 * 3 * 48 tokens saved.
    assertEquals(23 * 32 + 2 * 11 * 32 + 6 * 3 * 48, plan.savedPrefillTokens());
  }

  @Test
  void theGainRuleSkipsPrefixesTooShortToPayForTheirGroup() {
    int[] oneBlock = segment(7, 16);
    List<PlanRequest> pair = List.of(PlanRequest.of("a", concat(oneBlock, segment(100, 10)), 8),
        PlanRequest.of("b", concat(oneBlock, segment(200, 10)), 8));
    assertEquals(0, PLANNER.plan(pair, 1).plan().groups().size(), "(2 - 1 - 0.5) * 16 - 16 < 0");
    int[] fourBlocks = segment(7, 64);
    List<PlanRequest> longer = List.of(PlanRequest.of("a", concat(fourBlocks, segment(100, 10)), 8),
        PlanRequest.of("b", concat(fourBlocks, segment(200, 10)), 8));
    assertEquals(1, PLANNER.plan(longer, 1).plan().groups().size(), "(2 - 1 - 0.5) * 64 - 16 > 0");
  }

  @Test
  void decodeHeavyGroupsRunFirstAndTheEstimatorIsPluggable() {
    List<PlanRequest> requests = new ArrayList<>();
    for (int m = 0; m < 4; m++) {
      requests.add(new PlanRequest("short-" + m, concat(segment(1_000, 64), segment(50_000 + 100 * m, 8)), 8, 500, "u"));
      requests.add(new PlanRequest("long-" + m, concat(segment(9_000, 64), segment(60_000 + 100 * m, 8)), 400, 4, "u"));
    }
    Plan byMaxTokens = new PrefixPlanner(PlannerConfig.defaults().withDecodeEstimator(DecodeLengthEstimator.maxTokens()),
        CostModel.SMOLLM2_CPU_2_THREADS).plan(requests, 1).plan();
    InMemoryPlan result = PLANNER.plan(requests, 1); // provided estimates win by default
    assertEquals(0, groupOf(byMaxTokens, requests, "long-0"), "max_tokens 400 runs first");
    assertEquals(0, result.assignments().get("short-0").groupId(), "an expected output of 500 runs first");
  }

  private static int groupOf(Plan plan, List<PlanRequest> requests, String id) {
    return plan.assignAll(requests).get(id).groupId();
  }

  @Test
  void balancesManyGroupsOverPartitionsWithinTenPercent() {
    List<PlanRequest> requests = new ArrayList<>();
    java.util.Random random = new java.util.Random(3);
    for (int g = 0; g < 60; g++) {
      int degree = 2 + random.nextInt(30);
      for (int m = 0; m < degree; m++) {
        requests.add(PlanRequest.of(g + "/" + m, concat(segment(1_000_000 * (g + 1), 32 + random.nextInt(200)),
            segment(700_000_000 + 1000 * requests.size(), 10)), 1 + random.nextInt(64)));
      }
    }
    Plan plan = PLANNER.plan(requests, 4).plan();
    assertTrue(plan.imbalance() <= 1.10, "imbalance " + plan.imbalance());
  }

  @Test
  void cutsAGroupLargerThanAPartitionAndEachPieceRecomputesThePrefix() {
    List<PlanRequest> requests = batchLlmShape(1, 1000, 128, 16, 8);
    InMemoryPlan result = PLANNER.plan(requests, 4);
    Plan plan = result.plan();
    long pieces = plan.pieces().size();
    assertTrue(pieces >= 4, "one group over 4 partitions needs at least 4 pieces, got " + pieces);
    assertTrue(plan.imbalance() <= 1.10, "imbalance " + plan.imbalance());
    assertEquals(999L * 128 - (pieces - 1) * 128, plan.savedPrefillTokens());
    int[] perPartition = new int[4];
    for (Assignment a : result.assignments().values()) {
      perPartition[a.partition()]++;
    }
    for (int count : perPartition) {
      assertTrue(Math.abs(count - 250) <= 25, "members per partition " + java.util.Arrays.toString(perPartition));
    }
  }

  @Test
  void placingOneRequestAtATimeFindsTheSameGroupAsPlacingThemAll() {
    List<PlanRequest> requests = batchLlmShape(5, 7, 48, 5, 16);
    InMemoryPlan result = PLANNER.plan(requests, 3);
    for (PlanRequest r : requests) {
      assertEquals(result.assignments().get(r.id()).groupId(),
          result.plan().assign(r.id(), r.tokens(), r.tokens().length).groupId());
    }
  }

  @Test
  void zeroRequestsGiveAnEmptyPlan() {
    InMemoryPlan result = PLANNER.plan(List.of(), 3);
    assertEquals(0, result.plan().groups().size());
    assertEquals(0, result.assignments().size());
    assertEquals(0, result.plan().savedPrefillTokens());
  }

  @Test
  void emptyPromptsAndOneEnormousPromptArePlacedAlone() {
    List<PlanRequest> requests = List.of(PlanRequest.of("empty-1", new int[0], 4), PlanRequest.of("empty-2", new int[0], 4),
        PlanRequest.of("huge", segment(0, 2_000_000), 4));
    InMemoryPlan result = PLANNER.plan(requests, 2);
    assertEquals(0, result.plan().groups().size());
    assertEquals(3, result.assignments().size());
    result.assignments().values().forEach(a -> assertEquals(-1, a.groupId()));
  }

  @Test
  void badInputGetsClearErrors() {
    List<PlanRequest> duplicated = List.of(PlanRequest.of("x", segment(0, 4), 4), PlanRequest.of("x", segment(9, 4), 4));
    IllegalArgumentException duplicate = assertThrows(IllegalArgumentException.class, () -> PLANNER.plan(duplicated, 1));
    assertTrue(duplicate.getMessage().contains("duplicate request id 'x'"), duplicate.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PLANNER.plan(List.of(PlanRequest.of("a", segment(0, 4), 4)), 0));
    assertThrows(IllegalArgumentException.class, () -> PlanRequest.of("a", segment(0, 4), -1));
    assertThrows(NullPointerException.class, () -> PlanRequest.of("a", null, 4));
    List<PlanRequest> withNull = new ArrayList<>();
    withNull.add(null);
    assertThrows(NullPointerException.class, () -> PLANNER.plan(withNull, 1));
    assertThrows(IllegalArgumentException.class, () -> PlannerConfig.withBlockSize(0));
  }
}
