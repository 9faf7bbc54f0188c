package dev.sparkllm.engine.model;

import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.kv.BlockTable;
import dev.sparkllm.engine.cpu.CpuModelRunner;

import java.util.Random;

/** The next-token logits after a prompt, computed through {@link CpuModelRunner} in one step or one token at a time. */
final class PromptLogits {
    private PromptLogits() {}

    /** The whole prompt in one batch (the prefill path), logits of the last position only. */
    static float[] wholePrompt(LoadedModel model, int[] prompt) {
        CpuModelRunner runner = runner(model);
        BlockTable cache = kv(runner, prompt.length);
        StepBatch batch = new StepBatch(prompt.length);
        for (int i = 0; i < prompt.length; i++) batch.add(prompt[i], i, cache, i == prompt.length - 1);
        float[] logits = new float[runner.vocabSize()];
        runner.forward(batch, logits);
        return logits;
    }

    /** The whole prompt in one batch, logits of every position: [position][vocab]. */
    static float[] everyPositionWholePrompt(LoadedModel model, int[] prompt) {
        CpuModelRunner runner = runner(model);
        BlockTable cache = kv(runner, prompt.length);
        StepBatch batch = new StepBatch(prompt.length);
        for (int i = 0; i < prompt.length; i++) batch.add(prompt[i], i, cache, true);
        float[] logits = new float[prompt.length * runner.vocabSize()];
        runner.forward(batch, logits);
        return logits;
    }

    /** One token per step (the decode path), logits of every position: [position][vocab]. */
    static float[] everyPositionTokenByToken(LoadedModel model, int[] prompt) {
        CpuModelRunner runner = runner(model);
        BlockTable cache = kv(runner, prompt.length);
        StepBatch batch = new StepBatch(1);
        int vocab = runner.vocabSize();
        float[] step = new float[vocab];
        float[] logits = new float[prompt.length * vocab];
        for (int i = 0; i < prompt.length; i++) {
            batch.clear();
            batch.add(prompt[i], i, cache, true);
            runner.forward(batch, step);
            System.arraycopy(step, 0, logits, i * vocab, vocab);
        }
        return logits;
    }

    /** One token per step, each attending to the cache the earlier steps filled (the decode path). */
    static float[] tokenByToken(LoadedModel model, int[] prompt) {
        CpuModelRunner runner = runner(model);
        BlockTable cache = kv(runner, prompt.length);
        StepBatch batch = new StepBatch(1);
        float[] logits = new float[runner.vocabSize()];
        for (int i = 0; i < prompt.length; i++) {
            batch.clear();
            batch.add(prompt[i], i, cache, true);
            runner.forward(batch, logits);
        }
        return logits;
    }

    /** Seeded random token ids over the whole vocabulary, special tokens included. */
    static int[] randomPrompt(int length, int vocab, long seed) {
        Random rnd = new Random(seed);
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) ids[i] = rnd.nextInt(vocab);
        return ids;
    }

    static double maxAbsDifference(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException(a.length + " vs " + b.length + " logits");
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs((double) a[i] - b[i]));
        return max;
    }

    /** A pool just big enough for one sequence of {@code positions}, held by one table. */
    private static BlockTable kv(CpuModelRunner runner, int positions) {
        int blocks = positions / 16 + 1;
        runner.allocateKv(blocks, 16);
        return BlockTable.wholePool(blocks, 16);
    }

    private static CpuModelRunner runner(LoadedModel model) {
        return new CpuModelRunner(model.config(), model.weights(), model.config().contextLength());
    }
}
