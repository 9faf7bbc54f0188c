package dev.sparkllm.engine.cuda.bench;

import dev.sparkllm.engine.cuda.ComputeType;
import dev.sparkllm.engine.cuda.CudaModelRunner;
import dev.sparkllm.engine.cuda.CudaSettings;
import dev.sparkllm.engine.cuda.StepStats;
import dev.sparkllm.engine.cuda.SyntheticModels;
import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.model.ModelConfig;
import dev.sparkllm.engine.runtime.Backends;
import dev.sparkllm.engine.runtime.EngineMetrics;
import dev.sparkllm.engine.runtime.EngineOptions;
import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.runtime.GenerationResult;
import dev.sparkllm.engine.runtime.InferenceEngine;
import dev.sparkllm.engine.runtime.Submission;
import dev.sparkllm.engine.sampling.SamplingParams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The GPU benchmark of ci/gpu-check.sh: a Llama-3-8B-shape model with random BF16 weights made on
 * the device, through the real engine (scheduler, KV pool, prefix sharing, device sampling), on
 * the BatchLLM workload shape: a shared workload (shared prefix 2000 tokens, 200 distinct, 100
 * output, sharing degree 16) and a no-sharing one (2200 distinct tokens, 100 output). Greedy,
 * exactly 100 tokens each (a random model has no EOS).
 *
 * <p>Prints tokens/s per workload, and for decode-only steps their time against the roofline
 * bound: max(bytes / memory bandwidth, FLOPs / tensor-core peak), bytes being every weight matrix
 * once plus the KV positions the step's attention loaded, FLOPs 2 per weight per token plus
 * attention's 4 per query head dimension per attended position. The bandwidth is measured here
 * (a device-to-device copy); the peak is the card's datasheet dense BF16 rate.
 *
 * <p>usage: CudaBench [--out FILE] [--shared-prompts N] [--nosharing-prompts N] [--layers L] [--budget-s S]
 */
public final class CudaBench {
    private static final int SHARED = 2000, DISTINCT = 200, OUTPUT = 100, DEGREE = 16;

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        int sharedPrompts = Integer.parseInt(a.getOrDefault("shared-prompts", "256"));
        int plainPrompts = Integer.parseInt(a.getOrDefault("nosharing-prompts", "64"));
        int layers = Integer.parseInt(a.getOrDefault("layers", "32"));
        long budgetS = Long.parseLong(a.getOrDefault("budget-s", "60"));
        ModelConfig config = SyntheticModels.llama3_8b(layers);
        EngineOptions options = new EngineOptions(256, 4096, 4096);
        CudaModelRunner runner = CudaModelRunner.random(config, ComputeType.BF16, 42, CudaSettings.DEFAULT,
                options.maxStepTokens(), options.maxSequences(), options.maxContext());
        String device = runner.deviceName();
        double bandwidth = runner.measureCopyBandwidth(1L << 30);
        double peak = datasheetBf16Peak(device);
        System.out.printf(Locale.ROOT, "device %s, kernels %s, measured copy bandwidth %.0f GB/s, bf16 peak %.0f TFLOP/s (datasheet)%n",
                device, runner.kernelImage(), bandwidth / 1e9, peak / 1e12);
        // The matrix products of a decode step at batch 256 and of a 4096-token prefill step, every tile shape.
        List<String> gemmJson = new ArrayList<>();
        int dim = config.dim(), ffn = config.ffnDim(), qkvRows = config.qDim() + 2 * config.kvDim();
        for (String line : dev.sparkllm.engine.cuda.GemmBench.run(runner, new int[][] {
                {256, qkvRows, dim}, {256, dim, config.qDim()}, {256, 2 * ffn, dim}, {256, dim, ffn}, {256, config.vocabSize(), dim},
                {4096, qkvRows, dim}, {4096, 2 * ffn, dim}, {4096, dim, ffn}}, 10, gemmJson)) {
            System.out.println(line);
        }
        LoadedModel model = SyntheticModels.wrap("llama3-8b-shape-random", config, null);
        List<StepStats> steps = new ArrayList<>();
        boolean[] profiling = {false};
        // A few decode steps of the shared workload are profiled kernel by kernel (a synchronize after each launch).
        int[] decodeSeen = {0};
        StringBuilder profileJson = new StringBuilder();
        runner.onStep(s -> {
            steps.add(s);
            if (!profiling[0] || !s.decodeOnly() || s.tokens() < 128) return;
            decodeSeen[0]++;
            if (decodeSeen[0] == 20) runner.profile(true);
            if (decodeSeen[0] == 23) {
                runner.profile(false);
                Map<String, Double> p = runner.takeProfile();
                double total = p.values().stream().mapToDouble(Double::doubleValue).sum();
                System.out.printf(Locale.ROOT, "  profile of 3 decode steps at batch %d (ms per step): %s, total %.2f%n", s.tokens(),
                        p.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / 3)).toList(), total / 3);
                p.forEach((k, v) -> profileJson.append(String.format(Locale.ROOT, "%s\"%s\":%.3f", profileJson.length() == 0 ? "" : ",", k, v / 3)));
            }
        });
        StringBuilder json = new StringBuilder("{");
        json.append("\"gemm\":[").append(String.join(",", gemmJson)).append("],");
        json.append(String.format(Locale.ROOT, "\"device\":\"%s\",\"bandwidth_gbs\":%.1f,\"peak_tflops\":%.1f,\"layers\":%d,",
                device, bandwidth / 1e9, peak / 1e12, layers));
        List<String> decodeRows = new ArrayList<>();
        try (InferenceEngine engine = Backends.withRunner(model, runner, options)) {
            System.out.printf(Locale.ROOT, "KV pool %.1f GiB%n", engine.metrics().kvBlocks() * (double) engine.metrics().kvBlockBytes() / (1L << 30));
            run(engine, warmup(), 120); // module load, JIT, first-touch
            steps.clear();
            String[] names = {"shared", "nosharing"};
            for (String name : names) {
                List<GenerationRequest> work = name.equals("shared") ? sharedWorkload(sharedPrompts) : plainWorkload(plainPrompts);
                engine.resetMetrics();
                steps.clear();
                profiling[0] = name.equals("shared");
                Result r = run(engine, work, budgetS);
                EngineMetrics m = engine.metrics();
                System.out.printf(Locale.ROOT, "%s: %d prompts, %d output tokens in %.2f s: %.1f tokens/s (prompt %d tokens, cached %d, %d steps)%s%n",
                        name, r.prompts, r.outputTokens, r.seconds, r.outputTokens / r.seconds, m.promptTokens(), m.cachedTokens(),
                        m.iterations(), r.cutShort ? " [budget reached, cut short]" : "");
                json.append(String.format(Locale.ROOT,
                        "\"%s\":{\"tokens_per_s\":%.2f,\"prompts\":%d,\"output_tokens\":%d,\"seconds\":%.3f,\"prompt_tokens\":%d,\"cached_tokens\":%d,\"steps\":%d,\"cut_short\":%b},",
                        name, r.outputTokens / r.seconds, r.prompts, r.outputTokens, r.seconds, m.promptTokens(), m.cachedTokens(), m.iterations(), r.cutShort));
                decodeRows.addAll(decodeTable(name, steps, config, bandwidth, peak));
            }
        }
        json.append("\"decode_profile_ms\":{").append(profileJson).append("},");
        json.append("\"decode_steps\":[").append(String.join(",", decodeRows)).append("]}");
        if (a.containsKey("out")) Files.writeString(Path.of(a.get("out")), json.toString());
        System.out.println(json);
    }

    /** Median decode-step time per batch size against its roofline bound; prints and returns JSON rows. */
    private static List<String> decodeTable(String workload, List<StepStats> steps, ModelConfig c, double bandwidth, double peak) {
        Map<Integer, List<StepStats>> byBatch = new TreeMap<>();
        for (StepStats s : steps) if (s.decodeOnly()) byBatch.computeIfAbsent(s.tokens(), k -> new ArrayList<>()).add(s);
        long weightParams = (long) c.layers() * ((long) c.dim() * (2L * c.qDim() + 2L * c.kvDim()) + 3L * c.dim() * c.ffnDim())
                + (long) c.vocabSize() * c.dim();
        List<String> rows = new ArrayList<>();
        for (Map.Entry<Integer, List<StepStats>> e : byBatch.entrySet()) {
            List<StepStats> list = e.getValue();
            int batch = e.getKey();
            if (list.size() < 3 && batch != byBatch.keySet().stream().mapToInt(Integer::intValue).max().orElse(0)) continue;
            long[] nanos = list.stream().mapToLong(StepStats::nanos).sorted().toArray();
            StepStats mid = list.get(list.size() / 2);
            double bytes = 2.0 * weightParams + mid.kvBytesRead();
            double flops = 2.0 * weightParams * batch + 4.0 * mid.contextPositions() * c.qDim() * c.layers();
            double boundMs = 1e3 * Math.max(bytes / bandwidth, flops / peak);
            double medianMs = nanos[nanos.length / 2] / 1e6;
            System.out.printf(Locale.ROOT, "  %s decode batch %d: %d steps, median %.2f ms, roofline bound %.2f ms (weights %.1f GB + KV %.1f GB, %.1f TFLOP): %.2fx the bound%n",
                    workload, batch, list.size(), medianMs, boundMs, 2.0 * weightParams / 1e9, mid.kvBytesRead() / 1e9, flops / 1e12, medianMs / boundMs);
            rows.add(String.format(Locale.ROOT,
                    "{\"workload\":\"%s\",\"batch\":%d,\"steps\":%d,\"median_ms\":%.3f,\"bound_ms\":%.3f,\"x_bound\":%.2f,\"kv_gb\":%.2f,\"tflop\":%.2f}",
                    workload, batch, list.size(), medianMs, boundMs, medianMs / boundMs, mid.kvBytesRead() / 1e9, flops / 1e12));
        }
        // Keep the JSON short: the largest batches matter most.
        return rows.size() > 6 ? rows.subList(rows.size() - 6, rows.size()) : rows;
    }

    record Result(int prompts, long outputTokens, double seconds, boolean cutShort) {}

    /** Runs the requests; past the budget the rest is cancelled and only finished requests count. */
    private static Result run(InferenceEngine engine, List<GenerationRequest> work, long budgetS) throws Exception {
        long start = System.nanoTime();
        Submission s = engine.submit("bench", 1.0, work);
        boolean cut = false;
        List<GenerationResult> results;
        try {
            results = s.future().get(budgetS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            s.cancel();
            results = s.future().get();
            cut = true;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long tokens = 0;
        int done = 0;
        for (GenerationResult r : results) {
            if (r.error() != null) {
                if (!cut) throw new IllegalStateException("request " + r.id() + " failed: " + r.error());
                continue;
            }
            tokens += r.completionTokens();
            done++;
        }
        return new Result(done, tokens, seconds, cut);
    }

    private static SamplingParams params(int maxTokens) {
        return new SamplingParams(maxTokens, 0f, 0, 1f, 0f, null, List.of(), true);
    }

    private static List<GenerationRequest> warmup() {
        Random rnd = new Random(1);
        List<GenerationRequest> w = new ArrayList<>();
        for (int i = 0; i < 8; i++) w.add(GenerationRequest.ofTokens("warm-" + i, tokens(rnd, 300), params(8)));
        return w;
    }

    static List<GenerationRequest> sharedWorkload(int prompts) {
        Random rnd = new Random(7);
        List<GenerationRequest> w = new ArrayList<>();
        int[] prefix = null;
        for (int i = 0; i < prompts; i++) {
            if (i % DEGREE == 0) prefix = tokens(rnd, SHARED);
            int[] p = Arrays.copyOf(prefix, SHARED + DISTINCT);
            System.arraycopy(tokens(rnd, DISTINCT), 0, p, SHARED, DISTINCT);
            w.add(GenerationRequest.ofTokens("shared-" + i, p, params(OUTPUT)));
        }
        return w;
    }

    static List<GenerationRequest> plainWorkload(int prompts) {
        Random rnd = new Random(11);
        List<GenerationRequest> w = new ArrayList<>();
        for (int i = 0; i < prompts; i++) w.add(GenerationRequest.ofTokens("plain-" + i, tokens(rnd, SHARED + DISTINCT), params(OUTPUT)));
        return w;
    }

    private static int[] tokens(Random rnd, int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = rnd.nextInt(128000);
        return t;
    }

    /** Dense BF16 tensor-core peak from the datasheet, by card name (NaN when unknown). */
    static double datasheetBf16Peak(String device) {
        String d = device.toUpperCase(Locale.ROOT);
        if (d.contains("H100") && d.contains("PCIE")) return 756e12;
        if (d.contains("H100") || d.contains("H200") || d.contains("H800")) return 989e12;
        if (d.contains("A100")) return 312e12;
        if (d.contains("L40")) return 181e12;
        return Double.NaN;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("usage: CudaBench [--out FILE] [--shared-prompts N] [--nosharing-prompts N] [--layers L] [--budget-s S]");
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }

    private CudaBench() {}
}
