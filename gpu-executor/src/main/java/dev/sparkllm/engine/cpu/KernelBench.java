package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.format.GgufFile;
import dev.sparkllm.engine.tensor.WeightTensor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Times the matmuls of one decode step of a Llama-family GGUF model (every layer's q, k, v, o,
 * gate, up, down plus the vocabulary projection) on 1 and 2 threads, batched prefill per token,
 * and the worker pool's dispatch cost. No JMH: warm-up passes, then the best and median of timed
 * passes. Usage:
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp gpu-executor/target/classes \
 *        dev.sparkllm.engine.cpu.KernelBench model.gguf [threads...]
 * </pre>
 */
public final class KernelBench {
    private KernelBench() {}

    /** One matmul of the step; steps with the same {@code input} multiply the same vector (q, k, v; gate, up). */
    private record Step(WeightTensor w, String input) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: KernelBench model.gguf [threads...]");
            System.exit(2);
        }
        int[] threadCounts = args.length > 1
                ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 2};
        try (GgufFile file = GgufFile.open(Path.of(args[0]))) {
            List<Step> steps = decodeStep(file);
            long packStart = System.nanoTime();
            long weightBytes = 0;
            long macs = 0;
            for (Step s : steps) {
                MatMul.prepare(s.w());
                weightBytes += s.w().rows() * s.w().rowBytes();
                macs += (long) s.w().rows() * s.w().cols();
            }
            System.out.printf("%d matmuls per token, %.1f MiB of GGUF weights, %.1f M multiply-adds; packed in %.0f ms%n",
                    steps.size(), weightBytes / 1048576.0, macs / 1e6, (System.nanoTime() - packStart) / 1e6);
            for (int threads : threadCounts) {
                Parallel.setThreads(threads);
                decodeTiming(steps, threads, weightBytes, macs);
                for (int tokens : new int[] {2, 4, 16, 64}) {
                    batchTiming(steps, threads, tokens);
                }
                dispatchTiming(threads);
            }
        }
        System.exit(0);
    }

    /** The weight matrices one decoded token multiplies with, in forward-pass order. */
    private static List<Step> decodeStep(GgufFile file) {
        List<Step> steps = new ArrayList<>();
        for (int layer = 0; file.hasTensor("blk." + layer + ".attn_q.weight"); layer++) {
            String p = "blk." + layer + ".";
            for (String name : new String[] {"attn_q", "attn_k", "attn_v"}) {
                steps.add(new Step(file.tensor(p + name + ".weight"), p + "attn_norm"));
            }
            steps.add(new Step(file.tensor(p + "attn_output.weight"), p + "attention"));
            for (String name : new String[] {"ffn_gate", "ffn_up"}) {
                steps.add(new Step(file.tensor(p + name + ".weight"), p + "ffn_norm"));
            }
            steps.add(new Step(file.tensor(p + "ffn_down.weight"), p + "swiglu"));
        }
        String output = file.hasTensor("output.weight") ? "output.weight" : "token_embd.weight";
        steps.add(new Step(file.tensor(output), "output_norm"));
        return steps;
    }

    private static void decodeTiming(List<Step> steps, int threads, long weightBytes, long macs) {
        int maxCols = steps.stream().mapToInt(s -> s.w().cols()).max().orElse(0);
        int maxRows = steps.stream().mapToInt(s -> s.w().rows()).max().orElse(0);
        float[] x = randomVector(maxCols, 1);
        float[] out = new float[maxRows];
        Runnable token = () -> {
            for (Step s : steps) MatMul.matmul(s.w(), x, 0, out, 0, 1);
        };
        double[] ms = time(token, 30, 40);
        System.out.printf("threads=%d decode step: best %.2f ms, median %.2f ms, caller CPU %.2f ms  (%.1f GB/s of GGUF weights, %.1f GFLOP/s at best)%n",
                threads, ms[0], ms[1], ms[2], weightBytes / ms[0] / 1e6, 2.0 * macs / ms[0] / 1e6);
        // The same step with matrices that share an input (q|k|v, gate|up) in one matmulShared call.
        List<List<Step>> groups = new ArrayList<>();
        for (Step s : steps) {
            if (groups.isEmpty() || !groups.get(groups.size() - 1).get(0).input().equals(s.input())) groups.add(new ArrayList<>());
            groups.get(groups.size() - 1).add(s);
        }
        float[][] outs = {new float[maxRows], new float[maxRows], new float[maxRows]};
        int[] offsets = new int[3];
        Runnable sharedToken = () -> {
            for (List<Step> g : groups) {
                WeightTensor[] ws = g.stream().map(Step::w).toArray(WeightTensor[]::new);
                MatMul.matmulShared(ws, x, 0, Arrays.copyOf(outs, ws.length), Arrays.copyOf(offsets, ws.length), 1);
            }
        };
        double[] shared = time(sharedToken, 30, 40);
        System.out.printf("threads=%d decode step, shared-input calls (%d instead of %d): best %.2f ms, median %.2f ms%n",
                threads, groups.size(), steps.size(), shared[0], shared[1]);
        // Per-matrix-shape breakdown: which shapes dominate the step.
        StringBuilder sb = new StringBuilder("  per shape, ms per token (best wall / caller CPU): ");
        double sumBest = 0;
        List<String> seen = new ArrayList<>();
        for (Step s : steps) {
            String shape = s.w().type() + " " + s.w().rows() + "x" + s.w().cols();
            if (seen.contains(shape)) continue;
            seen.add(shape);
            List<Step> same = steps.stream()
                    .filter(o -> o.w().type() == s.w().type() && o.w().rows() == s.w().rows() && o.w().cols() == s.w().cols())
                    .toList();
            double[] t = time(() -> {
                for (Step o : same) MatMul.matmul(o.w(), x, 0, out, 0, 1);
            }, 10, 40);
            sb.append(String.format("%s x%d: %.2f / %.2f; ", shape, same.size(), t[0], t[2]));
            sumBest += t[0];
        }
        System.out.println(sb);
        System.out.printf("  sum of per-shape bests: %.2f ms per token%n", sumBest);
    }

    private static void batchTiming(List<Step> steps, int threads, int tokens) {
        int maxCols = steps.stream().mapToInt(s -> s.w().cols()).max().orElse(0);
        int maxRows = steps.stream().mapToInt(s -> s.w().rows()).max().orElse(0);
        float[] x = randomVector(maxCols * tokens, 2);
        float[] out = new float[maxRows * tokens];
        // The vocabulary projection is left out: a prompt only needs logits for its last token.
        List<Step> layers = steps.subList(0, steps.size() - 1);
        double[] ms = time(() -> {
            for (Step s : layers) MatMul.matmul(s.w(), x, 0, out, 0, tokens);
        }, 3, 8);
        System.out.printf("threads=%d batched %3d tokens (layers only): best %.2f ms = %.3f ms per token (caller CPU %.3f)%n",
                threads, tokens, ms[0], ms[0] / tokens, ms[2] / tokens);
    }

    /** Cost of one parallelFor with an empty body: this pool vs the ForkJoin common pool. */
    private static void dispatchTiming(int threads) {
        int calls = 20_000;
        double[] own = time(() -> {
            for (int i = 0; i < calls; i++) Parallel.parallelFor(1000, (w, from, to) -> { });
        }, 3, 5);
        ForkJoinPool fj = new ForkJoinPool(threads);
        double[] forkJoin = time(() -> {
            for (int i = 0; i < calls; i++) fj.invoke(new EmptySplit(0, 1000, Math.max(1, 1000 / threads)));
        }, 3, 5);
        fj.shutdown();
        System.out.printf("threads=%d dispatch per parallelFor: WorkerPool %.2f us, ForkJoinPool %.2f us%n",
                threads, own[0] * 1000 / calls, forkJoin[0] * 1000 / calls);
    }

    /** A ForkJoin range split down to one piece per thread, doing nothing: the baseline dispatch. */
    private static final class EmptySplit extends RecursiveAction {
        private final int from, to, grain;

        EmptySplit(int from, int to, int grain) {
            this.from = from;
            this.to = to;
            this.grain = grain;
        }

        @Override
        protected void compute() {
            if (to - from <= grain) return;
            int mid = (from + to) >>> 1;
            ForkJoinTask.invokeAll(new EmptySplit(from, mid, grain), new EmptySplit(mid, to, grain));
        }
    }

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    /**
     * {best wall, median wall, best CPU time of this thread} in milliseconds over {@code timed}
     * runs after {@code warmup} runs. With one thread all work runs on the caller, so its CPU time
     * is the cost without the time other processes held the core (the dev box is shared).
     */
    private static double[] time(Runnable r, int warmup, int timed) {
        for (int i = 0; i < warmup; i++) r.run();
        double[] ms = new double[timed];
        double bestCpu = Double.MAX_VALUE;
        for (int i = 0; i < timed; i++) {
            long c0 = CPU.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
            bestCpu = Math.min(bestCpu, (CPU.getCurrentThreadCpuTime() - c0) / 1e6);
        }
        Arrays.sort(ms);
        return new double[] {ms[0], ms[timed / 2], bestCpu};
    }

    private static float[] randomVector(int n, long seed) {
        Random rnd = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rnd.nextGaussian();
        return v;
    }
}
