package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.backend.KvCache;
import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.model.ModelConfig;

/**
 * Causal grouped-query attention of each batch token over its own sequence's cached keys and
 * values (positions 0..its position). Work is split over (token, head) pairs.
 *
 * <p>Queries and attention weights are rounded to f16 before their products, as llama.cpp's
 * default (non flash-attention) path does with its f16 KV cache: measured on SmolLM2 with a
 * 37-token prompt, this brings the mean logit difference to llama.cpp from 0.31 to 0.13.
 */
final class Attention {
    private Attention() {}

    static void compute(ModelConfig c, int layer, StepBatch batch, float[] q, float[] out, float[][] scoresPerWorker) {
        int heads = c.heads();
        int headDim = c.headDim();
        int qDim = c.qDim();
        int groupSize = heads / c.kvHeads();
        float scale = (float) (1.0 / Math.sqrt(headDim));
        Parallel.parallelFor(batch.size() * heads, (worker, from, to) -> {
            for (int item = from; item < to; item++) {
                int t = item / heads;
                int h = item % heads;
                int kvHead = h / groupSize;
                int len = batch.position(t) + 1;
                float[] scores = scoresPerWorker[worker];
                if (scores == null || scores.length < len) {
                    scores = scoresPerWorker[worker] = new float[Math.max(len, 256)];
                }
                KvCache cache = batch.cache(t);
                float[] keys = cache.keys(layer);
                float[] values = cache.values(layer);
                int qOff = t * qDim + h * headDim;
                Float16.roundInPlace(q, qOff, headDim);
                int headOff = kvHead * headDim;
                for (int p = 0; p < len; p++) {
                    scores[p] = VectorOps.dot(q, qOff, keys, cache.offset(p) + headOff, headDim) * scale;
                }
                VectorOps.softmax(scores, 0, len);
                Float16.roundInPlace(scores, 0, len);
                int outOff = t * qDim + h * headDim;
                java.util.Arrays.fill(out, outOff, outOff + headDim, 0f);
                for (int p = 0; p < len; p++) {
                    VectorOps.axpy(scores[p], values, cache.offset(p) + headOff, out, outOff, headDim);
                }
            }
        });
    }
}
