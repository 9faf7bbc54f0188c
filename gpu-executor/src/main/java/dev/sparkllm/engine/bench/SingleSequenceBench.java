package dev.sparkllm.engine.bench;

import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.kv.BlockTable;
import dev.sparkllm.engine.cpu.CpuModelRunner;
import dev.sparkllm.engine.cpu.Parallel;
import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.model.ModelLoader;

import java.nio.file.Path;

/**
 * Single-sequence speed of the CPU backend, the Java side of {@code ci/bench.sh engine-single}.
 * Prompt processing: one forward over PROMPT tokens from an empty cache. Decode: GEN forwards of
 * one token each after it. Token ids follow the same deterministic rule as the llama.cpp script,
 * and the best of REPS repetitions counts (after one warm-up) on both sides.
 *
 * <p>Usage: SingleSequenceBench MODEL THREADS PROMPT GEN REPS; prints {"pp_tps":..,"tg_tps":..}.
 */
public final class SingleSequenceBench {
    private SingleSequenceBench() {}

    public static void main(String[] args) throws Exception {
        Path modelPath = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        int promptTokens = Integer.parseInt(args[2]);
        int genTokens = Integer.parseInt(args[3]);
        int reps = Integer.parseInt(args[4]);
        Parallel.setThreads(threads);
        try (LoadedModel model = ModelLoader.load(modelPath)) {
            CpuModelRunner runner = new CpuModelRunner(model.config(), model.weights(), promptTokens + genTokens + 1);
            int vocab = model.config().vocabSize();
            int[] prompt = new int[promptTokens];
            for (int i = 0; i < promptTokens; i++) prompt[i] = 100 + (int) ((i * 7919L) % (vocab - 200));
            float[] logits = new float[vocab];
            StepBatch batch = new StepBatch(promptTokens);
            int blocks = (promptTokens + genTokens + 16) / 16;
            runner.allocateKv(blocks, 16);
            BlockTable cache = BlockTable.wholePool(blocks, 16);
            double bestPp = Double.MAX_VALUE;
            double bestTg = Double.MAX_VALUE;
            for (int rep = 0; rep <= reps; rep++) {
                batch.clear();
                for (int i = 0; i < promptTokens; i++) batch.add(prompt[i], i, cache, i == promptTokens - 1);
                long t0 = System.nanoTime();
                runner.forward(batch, logits);
                long t1 = System.nanoTime();
                int token = prompt[promptTokens - 1];
                for (int i = 0; i < genTokens; i++) {
                    token = 100 + (int) (((long) token * 31 + i) % (vocab - 200));
                    batch.clear();
                    batch.add(token, promptTokens + i, cache, true);
                    runner.forward(batch, logits);
                }
                long t2 = System.nanoTime();
                if (rep == 0) continue; // warm-up: JIT compilation
                bestPp = Math.min(bestPp, (t1 - t0) / 1e9);
                bestTg = Math.min(bestTg, (t2 - t1) / 1e9);
            }
            System.out.printf("{\"pp_tps\": %.3f, \"tg_tps\": %.3f}%n", promptTokens / bestPp, genTokens / bestTg);
        }
    }
}
