package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.kv.BlockTable;
import dev.sparkllm.engine.model.ArchSwitches;
import dev.sparkllm.engine.model.ModelConfig;
import dev.sparkllm.engine.model.RopeStyle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU attention kernel against the textbook formula in double precision, over block tables
 * that scatter a sequence across the pool, for block sizes that do and do not divide the 64-position
 * chunk, a 64-wide head (its register path) and another width. Then the invariant the engine's
 * batch invariance rests on: a query gets the same bits alone as inside a step where other
 * sequences share its prefix blocks (the shared path). Both again for a sliding layer (Gemma,
 * Mistral), whose window starts inside a chunk and, for the shared step, inside the shared prefix,
 * and with Gemma 2's soft cap on the scores.
 */
class PagedAttentionTest {
    private static final int HEADS = 6, KV_HEADS = 2;

    /** One layer; sliding over {@code window} positions when positive, scores soft-capped when {@code softcap} is. */
    private static ModelConfig config(int headDim, int window, float softcap) {
        ArchSwitches s = new ArchSwitches(1f, ArchSwitches.Activation.SILU, false, false, window,
                window > 0 ? new boolean[] {true} : null, 0f, 0f, softcap, 0f);
        return new ModelConfig("llama", 16, HEADS * headDim, 64, 1, HEADS, KV_HEADS, headDim, 4096, 1e-5f, 10000f,
                RopeStyle.INTERLEAVED, null, 1f, s);
    }

    /** A pool filled with random f16-representable keys and values at every slot. */
    private static CpuKvStorage pool(ModelConfig c, int blocks, int blockSize, Random rnd) {
        CpuKvStorage kv = new CpuKvStorage(1, KV_HEADS, c.headDim(), blocks, blockSize);
        float[] k = new float[kv.kvDim], v = new float[kv.kvDim];
        for (int slot = 0; slot < blocks * blockSize; slot++) {
            for (int i = 0; i < kv.kvDim; i++) {
                k[i] = (float) rnd.nextGaussian();
                v[i] = (float) rnd.nextGaussian();
            }
            kv.store(0, slot, k, 0, v, 0);
        }
        return kv;
    }

    private static BlockTable scattered(int blockSize, int blocks, int poolBlocks, Random rnd) {
        int[] chosen = rnd.ints(0, poolBlocks).distinct().limit(blocks).toArray();
        return BlockTable.of(blockSize, chosen);
    }

    private static float[] queries(ModelConfig c, int tokens, Random rnd) {
        float[] q = new float[tokens * c.qDim()];
        for (int i = 0; i < q.length; i++) q[i] = Float16.round((float) rnd.nextGaussian());
        return q;
    }

    private static double[] reference(ModelConfig c, CpuKvStorage kv, BlockTable table, int position, float[] q,
                                      int qRow) {
        int d = c.headDim(), group = HEADS / KV_HEADS;
        double[] out = new double[c.qDim()];
        int window = c.switches().window(0);
        int first = window > 0 ? Math.max(0, position - window + 1) : 0;
        double cap = c.switches().attentionSoftcap();
        for (int h = 0; h < HEADS; h++) {
            int headOff = (h / group) * d;
            double[] scores = new double[position + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int p = first; p <= position; p++) {
                int slot = table.slot(p);
                double s = 0;
                for (int i = 0; i < d; i++) s += q[qRow + h * d + i] * (double) kv.key(0, slot, headOff + i);
                scores[p] = s / Math.sqrt(d);
                if (cap > 0) scores[p] = cap * Math.tanh(scores[p] / cap);
                max = Math.max(max, scores[p]);
            }
            double sum = 0;
            for (int p = first; p <= position; p++) sum += scores[p] = Math.exp(scores[p] - max);
            for (int p = first; p <= position; p++) {
                int slot = table.slot(p);
                for (int i = 0; i < d; i++) out[h * d + i] += scores[p] / sum * kv.value(0, slot, headOff + i);
            }
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"64, 16, 0, 0", "64, 12, 0, 0", "40, 16, 0, 0", "40, 8, 0, 0", "64, 16, 100, 0", "40, 12, 5, 0",
            "64, 12, 0, 1.5", "40, 8, 70, 1.5"})
    void matchesTheFormulaOverScatteredBlocks(int headDim, int blockSize, int window, float softcap) {
        Random rnd = new Random(headDim * 31L + blockSize);
        ModelConfig c = config(headDim, window, softcap);
        int poolBlocks = 400 / blockSize + 8;
        CpuKvStorage kv = pool(c, poolBlocks, blockSize, rnd);
        int[] positions = {0, 7, 63, 64, 65, 200, 333};
        StepBatch batch = new StepBatch(positions.length);
        for (int position : positions) {
            batch.add(0, position, scattered(blockSize, position / blockSize + 1, poolBlocks, rnd), false);
        }
        float[] q = queries(c, positions.length, rnd);
        float[] out = new float[q.length];
        new PagedAttention(c).compute(0, batch, kv, q.clone(), out);
        for (int t = 0; t < positions.length; t++) {
            double[] want = reference(c, kv, batch.table(t), positions[t], q, t * c.qDim());
            for (int i = 0; i < c.qDim(); i++) {
                // Weights are rounded to f16 as llama.cpp's f16 path does: about 1e-3 relative.
                assertEquals(want[i], out[t * c.qDim() + i], 4e-3, "position " + positions[t] + " lane " + i);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"64, 16, 0", "40, 12, 0", "64, 16, 150", "40, 12, 200"})
    void aQueryGetsTheSameBitsAloneAsInsideASharedStep(int headDim, int blockSize, int window) {
        Random rnd = new Random(headDim + 7L * blockSize);
        ModelConfig c = config(headDim, window, 0f);
        int prefixBlocks = 256 / blockSize, ownBlocks = 3, members = 11;
        int poolBlocks = prefixBlocks + members * ownBlocks + 4;
        CpuKvStorage kv = pool(c, poolBlocks, blockSize, rnd);
        int[] prefix = new int[prefixBlocks];
        for (int b = 0; b < prefixBlocks; b++) prefix[b] = b;
        StepBatch step = new StepBatch(members);
        for (int m = 0; m < members; m++) {
            int[] blocks = new int[prefixBlocks + ownBlocks];
            System.arraycopy(prefix, 0, blocks, 0, prefixBlocks);
            for (int b = 0; b < ownBlocks; b++) blocks[prefixBlocks + b] = prefixBlocks + m * ownBlocks + b;
            step.add(0, prefixBlocks * blockSize + rnd.nextInt(ownBlocks * blockSize), BlockTable.of(blockSize, blocks), false);
        }
        float[] q = queries(c, members, rnd);
        float[] together = new float[q.length];
        PagedAttention attention = new PagedAttention(c);
        attention.compute(0, step, kv, q.clone(), together);
        assertTrue(attention.takeSharedQueryChunks() > 0, "the step took the shared path");
        for (int m = 0; m < members; m++) {
            StepBatch alone = new StepBatch(1);
            alone.add(0, step.position(m), step.table(m), false);
            float[] qm = new float[c.qDim()], outm = new float[c.qDim()];
            System.arraycopy(q, m * c.qDim(), qm, 0, c.qDim());
            attention.compute(0, alone, kv, qm, outm);
            float[] inStep = new float[c.qDim()];
            System.arraycopy(together, m * c.qDim(), inStep, 0, c.qDim());
            assertArrayEquals(outm, inStep, "member " + m);
        }
    }
}
