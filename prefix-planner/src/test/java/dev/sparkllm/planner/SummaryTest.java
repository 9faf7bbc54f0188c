package dev.sparkllm.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkllm.planner.cost.CostModel;
import dev.sparkllm.planner.hash.BlockHasher;
import dev.sparkllm.planner.plan.Plan;
import dev.sparkllm.planner.summary.PrefixSummary;
import dev.sparkllm.planner.summary.SharedPrefixes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {
  private static final PlannerConfig CONFIG = PlannerConfig.defaults();
  private static final PrefixPlanner PLANNER = new PrefixPlanner(CONFIG, CostModel.SMOLLM2_CPU_2_THREADS);

  private static PrefixSummary summarize(List<PlanRequest> requests) {
    PrefixSummary summary = new PrefixSummary(CONFIG);
    for (PlanRequest r : requests) {
      summary.add(r.tokens(), r.tokens().length, PLANNER.decodeEstimate(r));
    }
    return summary;
  }

  @Test
  void theDriverReceivesOnlySharedPrefixes() {
    List<PlanRequest> requests = PlannerExamplesTest.batchLlmShape(10, 16, 2000, 200, 100);
    PrefixSummary summary = summarize(requests);
    assertTrue(summary.distinctBlocks() > 10 * 125, "the summary holds every block prefix");
    SharedPrefixes shared = summary.compact();
    assertEquals(10, shared.size(), "one node per shared context, however many blocks long");
  }

  @Test
  void aSummarySurvivesJavaSerialization() throws Exception {
    List<PlanRequest> requests = RandomJobs.job(11, 60);
    PrefixSummary original = summarize(requests);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(original);
    }
    PrefixSummary copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (PrefixSummary) in.readObject();
    }
    assertEquals(original.distinctBlocks(), copy.distinctBlocks());
    Plan fromOriginal = PLANNER.planFromShared(original.compact(), 2);
    Plan fromCopy = PLANNER.planFromShared(copy.compact(), 2);
    assertEquals(fromOriginal.groups(), fromCopy.groups());
    // A copy keeps working as a summary: merging more prompts into it still plans the same as one pass.
    List<PlanRequest> more = RandomJobs.job(12, 30);
    PrefixSummary extended = copy.merge(summarize(more));
    List<PlanRequest> all = new java.util.ArrayList<>(requests);
    more.forEach(r -> all.add(new PlanRequest("more-" + r.id(), r.tokens(), r.maxTokens(), r.expectedOutputTokens(),
        r.user())));
    assertEquals(PLANNER.planFromShared(summarize(all).compact(), 2).groups(),
        PLANNER.planFromShared(extended.compact(), 2).groups());
  }

  @Test
  void summariesRefuseToMixShardsBlockSizesOrMissingShards() {
    BlockHasher hasher = new BlockHasher(CONFIG.blockSize(), CONFIG.hashSeed());
    int[] prompt = PlannerExamplesTest.segment(5, 40);
    int shard = PrefixSummary.shardOf(hasher, prompt, prompt.length, 2);
    PrefixSummary wrongShard = new PrefixSummary(CONFIG, 1 - shard, 2);
    assertThrows(IllegalArgumentException.class, () -> wrongShard.add(prompt, prompt.length, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new PrefixSummary(CONFIG).merge(new PrefixSummary(PlannerConfig.withBlockSize(32))));
    assertThrows(IllegalArgumentException.class,
        () -> new PrefixSummary(CONFIG, 0, 2).merge(new PrefixSummary(CONFIG, 1, 2)));
    SharedPrefixes first = new PrefixSummary(CONFIG, 0, 2).compact();
    assertThrows(IllegalArgumentException.class, () -> first.union(new PrefixSummary(CONFIG, 0, 2).compact()),
        "the same shard twice would count its prompts twice");
    IllegalStateException incomplete = assertThrows(IllegalStateException.class, () -> PLANNER.planFromShared(first, 1));
    assertTrue(incomplete.getMessage().contains("1 of 2 shards"), incomplete.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PrefixSummary(CONFIG, 2, 2));
  }

  @Test
  void aCorruptSerializedSummaryIsRejected() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(summarize(RandomJobs.job(3, 20)));
    }
    byte[] data = bytes.toByteArray();
    // Flip bytes near the end (inside the trie's node records) until one is detected or changes nothing fatal.
    int rejected = 0;
    for (int i = data.length - 200; i < data.length; i += 7) {
      byte[] corrupt = data.clone();
      corrupt[i] ^= (byte) 0x80;
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(corrupt))) {
        in.readObject();
      } catch (java.io.IOException | ClassNotFoundException | RuntimeException e) {
        rejected++;
      } catch (OutOfMemoryError e) {
        throw new AssertionError("a corrupt summary must not allocate without bound", e);
      }
    }
    assertTrue(rejected > 0, "some corruption is detected");
  }
}
