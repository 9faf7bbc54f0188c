package dev.sparkllm.engine.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkllm.engine.cpu.Parallel;
import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.model.ModelLoader;
import dev.sparkllm.engine.runtime.EngineMetrics;
import dev.sparkllm.engine.runtime.EngineOptions;
import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.runtime.GenerationResult;
import dev.sparkllm.engine.runtime.InferenceEngine;
import dev.sparkllm.engine.runtime.Submission;
import dev.sparkllm.engine.sampling.SamplingParams;
import dev.sparkllm.planner.PlanRequest;
import dev.sparkllm.planner.PlannerConfig;
import dev.sparkllm.planner.PrefixPlanner;
import dev.sparkllm.planner.cost.CostModel;
import dev.sparkllm.planner.plan.Assignment;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The batch engine's throughput on a token workload (see {@code ci/bench/batch_workload.py}), one
 * configuration per run, printing one JSON line. {@code ci/bench.sh engine-batch} runs it for
 * each configuration and llama.cpp on the same file side by side.
 *
 * <pre>
 * BatchBench MODEL WORKLOAD.jsonl THREADS MODE [KV_MIB [FIXED_SEQUENCES]]
 *   engine    (a) everything on: prefix sharing, memory-centric admission, the planner's order
 *   arrival   (a') prefix sharing and memory-centric admission on, requests in the file's
 *             (arrival) order, no planner: what vLLM's automatic prefix caching gives
 *   nocache   (b) prefix sharing off, memory-centric admission on, the planner's order
 *   fixed     everything on but fixed-count admission of FIXED_SEQUENCES (default 8) at a time
 *   baseline  sharing off and fixed-count admission of 8, arrival order (the old plain baseline)
 *   queue     submits 4,096 requests (the workload repeated), runs 20 engine steps' worth of
 *             time, cancels, and reports peak KV and heap against the KV budget
 * </pre>
 * KV_MIB (default 512) is the KV pool's budget. Greedy, exactly max_tokens output tokens each (EOS
 * ignored), as the llama.cpp side does. Each mode runs on a fresh engine, after a warm-up on
 * prompts the workload never uses. The JSON line carries the steps' time by part: products,
 * attention, sampling, and other (the rest of the forward plus scheduling), in seconds.
 */
public final class BatchBench {
    private BatchBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: BatchBench MODEL WORKLOAD.jsonl THREADS engine|arrival|nocache|fixed|baseline|queue "
                    + "[KV_MIB [FIXED_SEQUENCES]]");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        List<GenerationRequest> workload = read(Path.of(args[1]));
        Parallel.setThreads(Integer.parseInt(args[2]));
        String mode = args[3];
        long kvBytes = (args.length > 4 ? Long.parseLong(args[4]) : 512) << 20;
        int fixedSequences = args.length > 5 ? Integer.parseInt(args[5]) : 8;
        // Sharing and memory-centric admission on; 256 sequences is only the safety ceiling.
        EngineOptions options = new EngineOptions(256, 512, 2048).withKvCacheBytes(kvBytes);
        try (LoadedModel loaded = ModelLoader.load(model)) {
            switch (mode) {
                case "engine" -> throughput(loaded, options, plannerOrder(workload), mode);
                case "arrival" -> throughput(loaded, options, workload, mode);
                case "nocache" -> throughput(loaded, options.withPrefixSharing(false), plannerOrder(workload), mode);
                case "fixed" -> throughput(loaded, options.withFixedCount(fixedSequences), plannerOrder(workload), mode);
                case "baseline" -> throughput(loaded, options.plainBatching(8), workload, mode);
                case "queue" -> queued(loaded, options, workload, 4096);
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
        }
    }

    private static void throughput(LoadedModel model, EngineOptions options, List<GenerationRequest> requests,
                                   String mode) {
        try (InferenceEngine engine = InferenceEngine.cpu(model, options)) {
            // Warm-up, not counted: JIT compilation of the kernels. Its prompts are made of ids the
            // workload never uses (below 100), so nothing of the workload is in the pool before it starts.
            List<GenerationRequest> warmUp = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int[] tokens = new int[160];
                for (int t = 0; t < tokens.length; t++) tokens[t] = 20 + (t * 7 + i * 13) % 80;
                warmUp.add(GenerationRequest.ofTokens("warm-" + i, tokens, requests.get(0).params().withMaxTokens(4)));
            }
            engine.generate(warmUp);
            engine.resetMetrics();
            long start = System.nanoTime();
            List<GenerationResult> results = engine.generate(requests);
            double seconds = (System.nanoTime() - start) / 1e9;
            long promptTokens = 0, outputTokens = 0;
            for (GenerationResult r : results) {
                if (r.error() != null) throw new IllegalStateException(r.id() + ": " + r.error());
                promptTokens += r.promptTokens();
                outputTokens += r.completionTokens();
            }
            EngineMetrics m = engine.metrics();
            EngineOptions o = engine.options();
            System.out.printf("{\"mode\": \"%s\", \"prompts\": %d, \"prompt_tokens\": %d, \"output_tokens\": %d, "
                            + "\"seconds\": %.3f, \"total_tps\": %.2f, \"computed_tokens\": %d, \"prefix_hit_ratio\": %.4f, "
                            + "\"mean_tokens_per_step\": %.1f, \"steps\": %d, \"peak_kv_blocks\": %d, \"peak_kv_mib\": %.1f, "
                            + "\"kv_budget_mib\": %.1f, \"preemptions\": %d, \"recomputed_tokens\": %d, "
                            + "\"prefix_sharing\": %b, \"admission\": \"%s\", \"max_sequences\": %d, "
                            + "\"products_s\": %.3f, \"attention_s\": %.3f, \"sampling_s\": %.3f, \"other_s\": %.3f}%n",
                    mode, results.size(), promptTokens, outputTokens, seconds, (promptTokens + outputTokens) / seconds,
                    m.computedTokens(), m.prefixHitRatio(), m.meanTokensPerIteration(), m.iterations(), m.peakKvBlocks(),
                    m.peakKvBytes() / 1048576.0, (double) m.kvBlocks() * m.kvBlockBytes() / 1048576.0, m.preemptions(),
                    m.recomputedTokens(), o.prefixSharing(), o.memoryCentric() ? "memory-centric" : "fixed-count",
                    o.maxSequences(), m.productNanos() / 1e9, m.attentionNanos() / 1e9, m.samplingNanos() / 1e9,
                    (m.otherForwardNanos() + m.schedulingNanos()) / 1e9);
        }
    }

    /** 4,096 requests queued at once: KV memory stays at the pool, the heap holds only their tokens. */
    private static void queued(LoadedModel model, EngineOptions options, List<GenerationRequest> workload, int count)
            throws InterruptedException {
        List<GenerationRequest> many = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            GenerationRequest r = workload.get(i % workload.size());
            many.add(GenerationRequest.ofTokens("q" + i, r.promptTokens(), r.params()));
        }
        try (InferenceEngine engine = InferenceEngine.cpu(model, options)) {
            long heapBefore = heapUsed();
            Submission s = engine.submit("bench", 1.0, many);
            long deadline = System.nanoTime() + 60_000_000_000L;
            long peakHeap = heapBefore;
            while (engine.metrics().iterations() < 20 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                peakHeap = Math.max(peakHeap, heapUsed());
            }
            EngineMetrics m = engine.metrics();
            s.cancel();
            s.future().join();
            System.out.printf("{\"mode\": \"queue\", \"queued\": %d, \"steps\": %d, \"kv_budget_mib\": %.1f, "
                            + "\"peak_kv_mib\": %.1f, \"heap_used_before_mib\": %.1f, \"heap_used_peak_mib\": %.1f, "
                            + "\"max_heap_mib\": %.1f}%n",
                    count, m.iterations(), (double) m.kvBlocks() * m.kvBlockBytes() / 1048576.0,
                    m.peakKvBytes() / 1048576.0, heapBefore / 1048576.0, peakHeap / 1048576.0,
                    Runtime.getRuntime().maxMemory() / 1048576.0);
        }
    }

    private static long heapUsed() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) used += pool.getUsage().getUsed();
        }
        return used;
    }

    /** The order the Spark operator gives a task's rows: the plan's units, then groups, then ids. */
    static List<GenerationRequest> plannerOrder(List<GenerationRequest> requests) {
        PrefixPlanner planner = new PrefixPlanner(PlannerConfig.defaults(), CostModel.SMOLLM2_CPU_2_THREADS);
        List<PlanRequest> plan = requests.stream()
                .map(r -> PlanRequest.of(r.id(), r.promptTokens(), r.params().maxTokens())).toList();
        Map<String, Assignment> assigned = planner.plan(plan, 1).assignments();
        List<GenerationRequest> ordered = new ArrayList<>(requests);
        ordered.sort(Comparator.<GenerationRequest>comparingInt(r -> assigned.get(r.id()).unit())
                .thenComparingInt(r -> assigned.get(r.id()).groupId()).thenComparing(GenerationRequest::id));
        return ordered;
    }

    static List<GenerationRequest> read(Path jsonl) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<GenerationRequest> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isBlank()) continue;
                JsonNode row = json.readTree(line);
                int[] tokens = new int[row.get("tokens").size()];
                for (int i = 0; i < tokens.length; i++) tokens[i] = row.get("tokens").get(i).asInt();
                SamplingParams greedy = new SamplingParams(row.get("max_tokens").asInt(), 0f, 0, 1f, 0f, null,
                        List.of(), true);
                out.add(GenerationRequest.ofTokens(row.get("id").asText(), tokens, greedy));
            }
        }
        return out;
    }
}
