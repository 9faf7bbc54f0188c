package dev.sparkllm.engine.testutil;

import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.cpu.CpuModelRunner;
import dev.sparkllm.engine.kv.BlockTable;
import dev.sparkllm.engine.model.LoadedModel;

/**
 * The logits a reference's path gives: the prompt and then the reference's own tokens fed in one
 * forward pass (teacher forcing), so each step is compared on the same context the reference
 * engine saw, whatever our engine would have chosen before it.
 */
public final class TeacherForcing {
    private TeacherForcing() {}

    /**
     * Logits of {@code steps} rows, vocabulary-sized each: row s predicts the token after the
     * prompt and the first s forced tokens.
     */
    public static float[] logits(LoadedModel model, int[] prompt, int[] forced, int steps) {
        int vocab = model.config().vocabSize();
        int length = prompt.length + steps - 1;
        CpuModelRunner runner = new CpuModelRunner(model.config(), model.weights(), length + 1);
        int blocks = length / 16 + 1;
        runner.allocateKv(blocks, 16);
        BlockTable cache = BlockTable.wholePool(blocks, 16);
        StepBatch batch = new StepBatch(length);
        for (int i = 0; i < length; i++) {
            int token = i < prompt.length ? prompt[i] : forced[i - prompt.length];
            batch.add(token, i, cache, i >= prompt.length - 1);
        }
        float[] logits = new float[steps * vocab];
        runner.forward(batch, logits);
        return logits;
    }
}
