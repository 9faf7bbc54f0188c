package dev.sparkllm.planner.bench;

import dev.sparkllm.planner.PlannerConfig;
import dev.sparkllm.planner.PrefixPlanner;
import dev.sparkllm.planner.cost.CostModel;
import dev.sparkllm.planner.hash.BlockHasher;
import dev.sparkllm.planner.plan.Assignment;
import dev.sparkllm.planner.plan.Plan;
import dev.sparkllm.planner.summary.PrefixSummary;
import dev.sparkllm.planner.summary.SharedPrefixes;
import dev.sparkllm.planner.workload.BatchLlmWorkload;
import dev.sparkllm.planner.workload.MultiLevelWorkload;
import dev.sparkllm.planner.workload.NoSharingWorkload;
import dev.sparkllm.planner.workload.TokenWorkload;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Plans generated million-prompt jobs the way a distributed job does (one summary per shard,
 * built in parallel, compacted, then planned, then every request placed) and compares the
 * prefill saving with two baselines computed in the same run on the same prompts: vLLM's LRU
 * prefix cache in arrival order, and the same cache after a lexicographic sort of the prompts.
 *
 * <p>Usage: {@code PlannerBench SHAPE ROWS THREADS [BLOCK_SIZE] [LRU_CAPACITY_TOKENS] [PARTITIONS]}
 * where SHAPE is batchllm, multilevel or nosharing. Prints one JSON line last.
 */
public final class PlannerBench {
  public static void main(String[] args) throws Exception {
    String shape = args[0];
    int rows = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    int blockSize = args.length > 3 ? Integer.parseInt(args[3]) : PlannerConfig.DEFAULT_BLOCK_SIZE;
    int lruCapacityTokens = args.length > 4 ? Integer.parseInt(args[4]) : 65_536;
    int partitions = args.length > 5 ? Integer.parseInt(args[5]) : 64;
    TokenWorkload workload = switch (shape) {
      case "batchllm" -> new BatchLlmWorkload(rows, 2000, 200, 100, 16, 42);
      case "multilevel" -> new MultiLevelWorkload(rows, 100, 400, 8, 1000, 30, 100, 42);
      case "nosharing" -> new NoSharingWorkload(rows, 2200, 100, 42);
      default -> throw new IllegalArgumentException("unknown shape " + shape);
    };
    PlannerConfig config = PlannerConfig.withBlockSize(blockSize);
    PrefixPlanner planner = new PrefixPlanner(config, CostModel.SMOLLM2_CPU_2_THREADS);

    System.gc();
    resetPeakHeap();
    long start = System.nanoTime();
    SharedPrefixes shared = summarize(workload, planner, threads);
    Plan plan = planner.planFromShared(shared, partitions);
    double planSeconds = (System.nanoTime() - start) / 1e9;
    long assignStart = System.nanoTime();
    long[] rowsPerPartition = assignAll(workload, plan, threads);
    double assignSeconds = (System.nanoTime() - assignStart) / 1e9;
    long peakHeap = peakHeapBytes();
    long placed = Arrays.stream(rowsPerPartition).sum();
    if (placed != rows) {
      throw new AssertionError("placed " + placed + " of " + rows + " requests");
    }

    double optimum = workload.optimalSaving();
    double planFraction = fraction(plan.savedPrefillTokens(), optimum);
    shared = null;
    long lruArrival = lruSaving(workload, blockSize, lruCapacityTokens, false);
    long lruSorted = lruSaving(workload, blockSize, lruCapacityTokens, true);

    System.err.printf(Locale.ROOT, "%s: %d prompts of up to %d tokens, block %d, %d threads%n", workload.name(), rows,
        workload.maxPromptTokens(), blockSize, threads);
    System.err.printf(Locale.ROOT, "  plan: %.2f s (+ %.2f s placing every request), peak heap %.0f MiB, %d groups, "
            + "%d partitions, imbalance %.3f%n", planSeconds, assignSeconds, peakHeap / 1048576.0,
        plan.groups().size(), partitions, plan.imbalance());
    System.err.printf(Locale.ROOT, "  prefill saving / optimum: plan %.4f, LRU(%d tokens) arrival order %.4f, "
            + "LRU after lexicographic sort %.4f (optimum %.0f of %d prompt tokens)%n", planFraction, lruCapacityTokens,
        fraction(lruArrival, optimum), fraction(lruSorted, optimum), optimum, workload.totalPromptTokens());
    System.out.printf(Locale.ROOT, "{\"shape\":\"%s\",\"rows\":%d,\"plan_s\":%.3f,\"assign_s\":%.3f,"
            + "\"peak_heap_mib\":%.0f,\"groups\":%d,\"imbalance\":%.4f,\"plan_saving\":%.4f,\"lru_saving\":%.4f,"
            + "\"lexsort_saving\":%.4f,\"optimum_tokens\":%.0f,\"prompt_tokens\":%d}%n",
        workload.name(), rows, planSeconds, assignSeconds, peakHeap / 1048576.0, plan.groups().size(), plan.imbalance(),
        planFraction, fraction(lruArrival, optimum), fraction(lruSorted, optimum), optimum,
        workload.totalPromptTokens());
  }

  private static double fraction(double saved, double optimum) {
    return optimum == 0 ? (saved == 0 ? 1.0 : Double.NaN) : saved / optimum;
  }

  /**
   * What a distributed job does, with threads for executors: each data partition builds one
   * summary per shard (a shard holds the prompts of the same first block, so prefixes never span
   * shards), the partial summaries of each shard are merged, compacted to their shared prefixes,
   * and the shards' results united.
   */
  private static SharedPrefixes summarize(TokenWorkload workload, PrefixPlanner planner, int threads) throws Exception {
    PlannerConfig config = planner.config();
    int rows = workload.size();
    int shards = threads;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<PrefixSummary[]>> partitions = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int from = (int) ((long) rows * t / threads);
        int to = (int) ((long) rows * (t + 1) / threads);
        partitions.add(pool.submit(() -> {
          BlockHasher hasher = new BlockHasher(config.blockSize(), config.hashSeed());
          PrefixSummary[] byShard = new PrefixSummary[shards];
          for (int s = 0; s < shards; s++) {
            byShard[s] = new PrefixSummary(config, s, shards);
          }
          int[] buffer = new int[workload.maxPromptTokens()];
          for (int i = from; i < to; i++) {
            int length = workload.fill(i, buffer);
            long decode = PrefixPlanner.decodeEstimate(config, workload.maxTokens(i), -1, "bench");
            byShard[PrefixSummary.shardOf(hasher, buffer, length, shards)].add(buffer, length, decode);
          }
          return byShard;
        }));
      }
      List<PrefixSummary[]> partial = new ArrayList<>();
      for (Future<PrefixSummary[]> partition : partitions) {
        partial.add(partition.get());
      }
      List<Future<SharedPrefixes>> compacted = new ArrayList<>();
      for (int s = 0; s < shards; s++) {
        int shard = s;
        compacted.add(pool.submit(() -> {
          // Merge the smaller summaries into the largest: merging costs the size of what is added.
          PrefixSummary largest = partial.get(0)[shard];
          for (PrefixSummary[] p : partial) {
            if (p[shard].distinctBlocks() > largest.distinctBlocks()) {
              largest = p[shard];
            }
          }
          for (PrefixSummary[] p : partial) {
            if (p[shard] != largest) {
              largest.merge(p[shard]);
              p[shard] = null;
            }
          }
          return largest.compact();
        }));
      }
      SharedPrefixes all = compacted.get(0).get();
      for (int s = 1; s < shards; s++) {
        all = all.union(compacted.get(s).get());
      }
      return all;
    } finally {
      pool.shutdown();
    }
  }

  private static long[] assignAll(TokenWorkload workload, Plan plan, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<long[]>> parts = new ArrayList<>();
      int rows = workload.size();
      for (int t = 0; t < threads; t++) {
        int from = (int) ((long) rows * t / threads);
        int to = (int) ((long) rows * (t + 1) / threads);
        parts.add(pool.submit(() -> {
          long[] counts = new long[plan.partitions()];
          int[] buffer = new int[workload.maxPromptTokens()];
          for (int i = from; i < to; i++) {
            int length = workload.fill(i, buffer);
            Assignment a = plan.assign("row-" + i, buffer, length);
            counts[a.partition()]++;
          }
          return counts;
        }));
      }
      long[] total = new long[plan.partitions()];
      for (Future<long[]> part : parts) {
        long[] counts = part.get();
        for (int p = 0; p < total.length; p++) {
          total[p] += counts[p];
        }
      }
      return total;
    } finally {
      pool.shutdown();
    }
  }

  /** Prefill tokens an LRU prefix cache of the given capacity saves, in arrival or sorted order. */
  private static long lruSaving(TokenWorkload workload, int blockSize, int capacityTokens, boolean sorted) {
    BlockHasher hasher = new BlockHasher(blockSize, 0);
    int rows = workload.size();
    int[] buffer = new int[workload.maxPromptTokens()];
    LruPrefixCache cache = new LruPrefixCache(capacityTokens / blockSize);
    long savedBlocks = 0;
    if (!sorted) {
      long[] chain = new long[workload.maxPromptTokens() / blockSize + 1];
      for (int i = 0; i < rows; i++) {
        int blocks = hasher.chain(buffer, workload.fill(i, buffer), chain);
        savedBlocks += cache.process(chain, blocks);
      }
      return savedBlocks * blockSize;
    }
    // Sorting by the sequence of block contents orders prompts exactly as a lexicographic sort
    // of their tokens does, up to the order of sibling blocks: prompts with a common prefix end
    // up next to each other either way. Block hashes stand in for the tokens to keep memory low.
    long[][] chains = new long[rows][];
    for (int i = 0; i < rows; i++) {
      long[] chain = new long[workload.maxPromptTokens() / blockSize + 1];
      int blocks = hasher.chain(buffer, workload.fill(i, buffer), chain);
      chains[i] = Arrays.copyOf(chain, blocks);
    }
    Arrays.sort(chains, Arrays::compare);
    for (long[] chain : chains) {
      savedBlocks += cache.process(chain, chain.length);
    }
    return savedBlocks * blockSize;
  }

  private static void resetPeakHeap() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /** Sum of each heap pool's peak: an upper bound of the live heap at any one moment. */
  private static long peakHeapBytes() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
