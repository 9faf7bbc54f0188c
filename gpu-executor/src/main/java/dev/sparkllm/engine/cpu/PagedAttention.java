package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.kv.BlockTable;
import dev.sparkllm.engine.model.ModelConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Causal grouped-query attention over the paged KV pool, with shared prefixes read once.
 *
 * <p>Every query visits its keys in chunks of {@link #CHUNK} positions at fixed absolute
 * boundaries. Each chunk gives a partial result (its maximum score, the sum of its weights, the
 * weighted sum of its values) that is merged into the running result by the log-sum-exp rule, as
 * flash attention does. Because the chunks and the order of merging depend only on the query's
 * position, a query gets bit-identical output however the work is arranged, which is what lets
 * the shared path below change the arrangement freely.
 *
 * <p>The shared path: tokens of the step whose sequences hold the same leading KV blocks (a
 * group's prefix, or several prompt tokens of one sequence) form a group. For each chunk of the
 * common prefix, the group's queries are stacked and go over that chunk's keys and values while
 * they are in the CPU cache: the prefix is read once per group instead of once per member, the CPU
 * form of one matrix product instead of one matrix-vector product per member. Each member then
 * finishes alone over its own positions, merged by the same rule.
 *
 * <p>A sliding layer (window W) lets the query at position p see only positions [p - W + 1, p]:
 * each chunk is clipped to the query's own window and chunks wholly before it are skipped. The
 * chunk boundaries stay absolute and the clipping depends on the query's position alone, so the
 * shared path still gives each member bit-identical output; a shared chunk that falls outside one
 * member's window is simply skipped for that member.
 *
 * <p>Queries and weights are rounded to f16 before their products, as llama.cpp's default path
 * does with its f16 KV cache (closer logits to llama.cpp on SmolLM2).
 */
final class PagedAttention {
    /** Positions per chunk: a 64-wide head's chunk of keys and values is 32 KiB, L1/L2-sized. */
    static final int CHUNK = 64;
    /** Members per work item: enough queries to reuse a chunk, small enough to share out over threads. */
    private static final int SLICE = 8;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final int HEAD_64 = 64;

    private final ModelConfig c;
    private final float scale;
    /** Gemma 2's soft cap on the scaled scores; 0 when off. */
    private final float softcap;
    private final int groupSize;
    /** The window of the layer being computed (0: all positions). */
    private int window;
    /**
     * The layer whose shared chunks {@link #takeSharedQueryChunks} counts: the first global one, as
     * a sliding layer skips shared chunks that fall before its members' windows.
     */
    private final int countedLayer;
    private float[] maxes = new float[0];
    private float[] sums = new float[0];
    private long[] sortKeys = new long[0];
    private int[] order = new int[0];
    private int[] itemFrom = new int[0], itemTo = new int[0], itemKvHead = new int[0];
    private int[] itemSharedChunks = new int[0];
    private float[][] workerScores = new float[0][];
    private int[][] workerRows = new int[0][];
    private float[][] workerChunkOut = new float[0][];
    private long sharedQueryChunks;

    PagedAttention(ModelConfig c) {
        this.c = c;
        this.scale = c.attentionScale();
        this.softcap = c.switches().attentionSoftcap();
        int global = 0;
        while (global < c.layers() && c.switches().window(global) > 0) global++;
        this.countedLayer = global < c.layers() ? global : 0;
        this.groupSize = c.heads() / c.kvHeads();
    }

    /** Query-chunk visits served from a chunk shared with other queries, since the last call. */
    long takeSharedQueryChunks() {
        long n = sharedQueryChunks;
        sharedQueryChunks = 0;
        return n;
    }

    void compute(int layer, StepBatch batch, CpuKvStorage kv, float[] q, float[] out) {
        ensureScratch(batch.size());
        window = c.switches().window(layer);
        int items = planItems(batch);
        float[] keys = kv.keys[layer];
        float[] values = kv.values[layer];
        Parallel.parallelFor(items, (worker, from, to) -> {
            for (int item = from; item < to; item++) {
                runItem(item, worker, batch, keys, values, kv.kvDim, q, out);
            }
        });
        if (layer == countedLayer) {
            for (int item = 0; item < items; item++) {
                sharedQueryChunks += (long) itemSharedChunks[item] * (itemTo[item] - itemFrom[item]) * groupSize;
            }
        }
    }

    /**
     * Sorts the step's tokens by their first KV block, so tokens that share a prefix are
     * adjacent, and cuts each group into items of (kv head, up to SLICE members).
     */
    private int planItems(StepBatch batch) {
        int n = batch.size();
        for (int t = 0; t < n; t++) sortKeys[t] = ((long) batch.table(t).block(0) << 32) | t;
        Arrays.sort(sortKeys, 0, n);
        for (int i = 0; i < n; i++) order[i] = (int) sortKeys[i];
        int items = 0;
        int blockSize = batch.size() == 0 ? 1 : batch.table(order[0]).blockSize();
        for (int start = 0; start < n; ) {
            BlockTable first = batch.table(order[start]);
            int end = start + 1;
            while (end < n && batch.table(order[end]).block(0) == first.block(0)) end++;
            int shared = 0;
            if (end - start > 1) {
                int positions = Integer.MAX_VALUE;
                for (int i = start; i < end; i++) {
                    BlockTable table = batch.table(order[i]);
                    positions = Math.min(positions, table.commonBlocks(first) * blockSize);
                    positions = Math.min(positions, batch.position(order[i]) + 1);
                }
                shared = positions / CHUNK;
            }
            for (int kvHead = 0; kvHead < c.kvHeads(); kvHead++) {
                for (int from = start; from < end; from += SLICE) {
                    growItems(items + 1);
                    itemFrom[items] = from;
                    itemTo[items] = Math.min(end, from + SLICE);
                    itemKvHead[items] = kvHead;
                    itemSharedChunks[items] = shared;
                    items++;
                }
            }
            start = end;
        }
        return items;
    }

    private void runItem(int item, int worker, StepBatch batch, float[] keys, float[] values, int kvDim,
                         float[] q, float[] out) {
        int headDim = c.headDim();
        int qDim = c.qDim();
        int kvHead = itemKvHead[item];
        int headOff = kvHead * headDim;
        int firstHead = kvHead * groupSize;
        int from = itemFrom[item], to = itemTo[item];
        float[] scores = workerScores[worker];
        int[] rows = workerRows[worker];
        float[] chunkOut = workerChunkOut[worker];
        for (int i = from; i < to; i++) {
            int t = order[i];
            for (int h = firstHead; h < firstHead + groupSize; h++) {
                int row = t * qDim + h * headDim;
                Float16.roundInPlace(q, row, headDim);
                Arrays.fill(out, row, row + headDim, 0f);
                maxes[t * c.heads() + h] = Float.NEGATIVE_INFINITY;
                sums[t * c.heads() + h] = 0f;
            }
        }
        int shared = itemSharedChunks[item];
        // The common prefix: chunk by chunk, every member's queries while the chunk is cached.
        for (int chunk = 0; chunk < shared; chunk++) {
            for (int i = from; i < to; i++) {
                int t = order[i];
                BlockTable table = batch.table(t);
                int start = Math.max(chunk * CHUNK, windowStart(batch.position(t)));
                int end = (chunk + 1) * CHUNK;
                if (start >= end) continue;
                kvRows(rows, table, start, end - start, kvDim, headOff); // once for the kv head's query heads
                for (int h = firstHead; h < firstHead + groupSize; h++) {
                    partial(t, h, start, end, keys, values, q, out, scores, rows, chunkOut);
                }
            }
        }
        // Each member's own positions, then the division by the sum of weights.
        for (int i = from; i < to; i++) {
            int t = order[i];
            BlockTable table = batch.table(t);
            int length = batch.position(t) + 1;
            int windowStart = windowStart(batch.position(t));
            for (int start = Math.max(shared * CHUNK, windowStart / CHUNK * CHUNK); start < length; start += CHUNK) {
                int first = Math.max(start, windowStart), end = Math.min(start + CHUNK, length);
                if (first >= end) continue;
                kvRows(rows, table, first, end - first, kvDim, headOff);
                for (int h = firstHead; h < firstHead + groupSize; h++) {
                    partial(t, h, first, end, keys, values, q, out, scores, rows, chunkOut);
                }
            }
            for (int h = firstHead; h < firstHead + groupSize; h++) {
                VectorOps.scale(out, t * qDim + h * headDim, headDim, 1f / sums[t * c.heads() + h]);
            }
        }
    }

    /** The first position the query at {@code position} sees in this layer. */
    private int windowStart(int position) {
        return window > 0 ? Math.max(0, position - window + 1) : 0;
    }

    /**
     * Attention of query (t, h) over positions [start, end) (not empty), merged into its running
     * result; rows holds where each position's key and value start ({@link #kvRows}).
     */
    private void partial(int t, int h, int start, int end, float[] keys, float[] values, float[] q, float[] out,
                         float[] scores, int[] rows, float[] chunkOut) {
        int headDim = c.headDim();
        int qOff = t * c.qDim() + h * headDim;
        int len = end - start;
        if (headDim == HEAD_64) {
            scores64(q, qOff, keys, rows, len, scores);
        } else {
            for (int p = 0; p < len; p++) scores[p] = VectorOps.dot(q, qOff, keys, rows[p], headDim) * scale;
        }
        if (softcap > 0) VectorOps.softcap(scores, 0, len, softcap);
        float chunkMax = VectorOps.max(scores, 0, len);
        float chunkSum = expShifted(scores, len, chunkMax);
        if (headDim == HEAD_64) {
            weightedValues64(scores, values, rows, len, chunkOut);
        } else {
            Arrays.fill(chunkOut, 0, headDim, 0f);
            for (int p = 0; p < len; p++) VectorOps.axpy(scores[p], values, rows[p], chunkOut, 0, headDim);
        }
        int state = t * c.heads() + h;
        float runningMax = maxes[state];
        float newMax = Math.max(runningMax, chunkMax);
        float keep = VectorOps.exp(runningMax - newMax);
        float add = VectorOps.exp(chunkMax - newMax);
        maxes[state] = newMax;
        sums[state] = sums[state] * keep + chunkSum * add;
        int i = 0;
        FloatVector vKeep = FloatVector.broadcast(F, keep), vAdd = FloatVector.broadcast(F, add);
        for (int bound = F.loopBound(headDim); i < bound; i += F.length()) {
            FloatVector o = FloatVector.fromArray(F, out, qOff + i).mul(vKeep);
            FloatVector.fromArray(F, chunkOut, i).fma(vAdd, o).intoArray(out, qOff + i);
        }
        for (; i < headDim; i++) out[qOff + i] = out[qOff + i] * keep + chunkOut[i] * add;
    }

    /** scores[i] = exp(scores[i] - max), rounded to f16; returns their sum. */
    private static float expShifted(float[] scores, int len, float max) {
        int i = 0;
        FloatVector vMax = FloatVector.broadcast(F, max);
        for (int bound = F.loopBound(len); i < bound; i += F.length()) {
            VectorOps.exp(FloatVector.fromArray(F, scores, i).sub(vMax)).intoArray(scores, i);
        }
        for (; i < len; i++) scores[i] = VectorOps.exp(scores[i] - max);
        Float16.roundInPlace(scores, 0, len);
        float sum = 0f;
        for (int p = 0; p < len; p++) sum += scores[p];
        return sum;
    }

    /**
     * rows[p] = where position start + p of the head's keys and values begins in the pool, for p
     * below len, walking the block table block by block: one division per chunk instead of the two
     * of {@link BlockTable#slot} for every position, which cost as much as the position's products.
     */
    private static int[] kvRows(int[] rows, BlockTable table, int start, int len, int kvDim, int headOff) {
        int blockSize = table.blockSize();
        int block = start / blockSize, inBlock = start % blockSize;
        int base = table.block(block) * blockSize;
        for (int p = 0; p < len; p++) {
            rows[p] = (base + inBlock) * kvDim + headOff;
            if (++inBlock == blockSize && p + 1 < len) {
                inBlock = 0;
                base = table.block(++block) * blockSize;
            }
        }
        return rows;
    }

    /** scores[p] = q . k[rows[p]] * scale for a 64-wide head, q held in registers. */
    private void scores64(float[] q, int qOff, float[] keys, int[] rows, int len, float[] scores) {
        FloatVector q0 = FloatVector.fromArray(F, q, qOff), q1 = FloatVector.fromArray(F, q, qOff + 8);
        FloatVector q2 = FloatVector.fromArray(F, q, qOff + 16), q3 = FloatVector.fromArray(F, q, qOff + 24);
        FloatVector q4 = FloatVector.fromArray(F, q, qOff + 32), q5 = FloatVector.fromArray(F, q, qOff + 40);
        FloatVector q6 = FloatVector.fromArray(F, q, qOff + 48), q7 = FloatVector.fromArray(F, q, qOff + 56);
        for (int p = 0; p < len; p++) {
            int k = rows[p];
            FloatVector a = q0.mul(FloatVector.fromArray(F, keys, k));
            FloatVector b = q1.mul(FloatVector.fromArray(F, keys, k + 8));
            a = q2.fma(FloatVector.fromArray(F, keys, k + 16), a);
            b = q3.fma(FloatVector.fromArray(F, keys, k + 24), b);
            a = q4.fma(FloatVector.fromArray(F, keys, k + 32), a);
            b = q5.fma(FloatVector.fromArray(F, keys, k + 40), b);
            a = q6.fma(FloatVector.fromArray(F, keys, k + 48), a);
            b = q7.fma(FloatVector.fromArray(F, keys, k + 56), b);
            scores[p] = a.add(b).reduceLanes(VectorOperators.ADD) * scale;
        }
    }

    /** out = sum_p weights[p] * v[rows[p]] for a 64-wide head, accumulated in registers. */
    private static void weightedValues64(float[] weights, float[] values, int[] rows, int len, float[] out) {
        FloatVector o0 = FloatVector.zero(F), o1 = o0, o2 = o0, o3 = o0, o4 = o0, o5 = o0, o6 = o0, o7 = o0;
        for (int p = 0; p < len; p++) {
            int v = rows[p];
            FloatVector w = FloatVector.broadcast(F, weights[p]);
            o0 = w.fma(FloatVector.fromArray(F, values, v), o0);
            o1 = w.fma(FloatVector.fromArray(F, values, v + 8), o1);
            o2 = w.fma(FloatVector.fromArray(F, values, v + 16), o2);
            o3 = w.fma(FloatVector.fromArray(F, values, v + 24), o3);
            o4 = w.fma(FloatVector.fromArray(F, values, v + 32), o4);
            o5 = w.fma(FloatVector.fromArray(F, values, v + 40), o5);
            o6 = w.fma(FloatVector.fromArray(F, values, v + 48), o6);
            o7 = w.fma(FloatVector.fromArray(F, values, v + 56), o7);
        }
        o0.intoArray(out, 0);
        o1.intoArray(out, 8);
        o2.intoArray(out, 16);
        o3.intoArray(out, 24);
        o4.intoArray(out, 32);
        o5.intoArray(out, 40);
        o6.intoArray(out, 48);
        o7.intoArray(out, 56);
    }

    private void ensureScratch(int n) {
        int states = n * c.heads();
        if (maxes.length < states) {
            maxes = new float[states];
            sums = new float[states];
        }
        if (order.length < n) {
            order = new int[n];
            sortKeys = new long[n];
        }
        int workers = Parallel.threads();
        if (workerScores.length < workers) {
            workerScores = new float[workers][CHUNK];
            workerRows = new int[workers][CHUNK];
            workerChunkOut = new float[workers][Math.max(c.headDim(), HEAD_64)];
        }
    }

    private void growItems(int needed) {
        if (itemFrom.length >= needed) return;
        int size = Math.max(16, needed * 2);
        itemFrom = Arrays.copyOf(itemFrom, size);
        itemTo = Arrays.copyOf(itemTo, size);
        itemKvHead = Arrays.copyOf(itemKvHead, size);
        itemSharedChunks = Arrays.copyOf(itemSharedChunks, size);
    }
}
