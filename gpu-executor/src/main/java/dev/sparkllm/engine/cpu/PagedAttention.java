package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.kv.BlockTable;
import dev.sparkllm.engine.model.ModelConfig;
import jdk.incubator.vector.FloatVector;
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
 * <p>A chunk is decoded once from the half-precision pool into float tiles, and every query that
 * reads it goes through {@link AttentionTiles}' two small matrix products together: the query
 * heads that share a kv head (grouped-query attention) always, and on the shared path many
 * members' queries.
 *
 * <p>The shared path: tokens of the step whose sequences hold the same leading KV blocks (a
 * group's prefix, or several prompt tokens of one sequence) form a group. For each chunk of the
 * common prefix, the group's queries are stacked and go over that chunk's tiles at once: the
 * prefix is read and decoded once per group instead of once per member, one matrix product
 * instead of one matrix-vector product per member. Each member then finishes alone over its own
 * positions, merged by the same rule.
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
    /** Positions per chunk: a 64-wide head's float tiles of keys and values are 32 KiB, L1/L2-sized. */
    static final int CHUNK = 64;
    /** Members per work item: enough queries to reuse a chunk, small enough to share out over threads. */
    private static final int SLICE = 8;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;

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
    private ChunkScratch[] scratch = new ChunkScratch[0];
    private long sharedQueryChunks;

    PagedAttention(ModelConfig c) {
        this.c = c;
        this.scale = c.attentionScale();
        this.softcap = c.switches().attentionSoftcap();
        int global = 0;
        while (global < c.layers() && c.switches().window(global) > 0) global++;
        this.countedLayer = global < c.layers() ? global : 0;
        this.groupSize = c.heads() / c.kvHeads();
        if (c.headDim() % 8 != 0) {
            throw new IllegalArgumentException("the CPU attention needs a head size that is a multiple of 8, got "
                    + c.headDim());
        }
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
        Parallel.parallelFor(items, (worker, from, to) -> {
            for (int item = from; item < to; item++) {
                runItem(item, worker, batch, kv, layer, q, out);
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

    private void runItem(int item, int worker, StepBatch batch, CpuKvStorage kv, int layer, float[] q, float[] out) {
        int headDim = c.headDim();
        int qDim = c.qDim();
        int kvHead = itemKvHead[item];
        int firstHead = kvHead * groupSize;
        int from = itemFrom[item], to = itemTo[item];
        ChunkScratch s = scratch[worker];
        s.headOff = kvHead * headDim;
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
        // The common prefix: chunk by chunk, every member's queries over the chunk's tiles at once.
        for (int chunk = 0; chunk < shared; chunk++) {
            int chunkStart = chunk * CHUNK, chunkEnd = chunkStart + CHUNK;
            int n = 0, lo = chunkEnd;
            BlockTable table = null;
            for (int i = from; i < to; i++) {
                int t = order[i];
                int start = Math.max(chunkStart, windowStart(batch.position(t)));
                if (start >= chunkEnd) continue; // wholly before this member's window
                table = batch.table(t);
                lo = Math.min(lo, start);
                n = addQueries(s, n, t, firstHead, start - chunkStart);
            }
            if (n > 0) attendChunk(s, n, kv, layer, table, lo, chunkEnd, chunkStart, q, out);
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
                int n = addQueries(s, 0, t, firstHead, first - start);
                attendChunk(s, n, kv, layer, table, first, end, start, q, out);
            }
            for (int h = firstHead; h < firstHead + groupSize; h++) {
                VectorOps.scale(out, t * qDim + h * headDim, headDim, 1f / sums[t * c.heads() + h]);
            }
        }
    }

    /** Appends token t's queries of the kv head's query heads, each seeing the chunk from {@code start}. */
    private int addQueries(ChunkScratch s, int n, int t, int firstHead, int start) {
        for (int h = firstHead; h < firstHead + groupSize; h++, n++) {
            s.queryOffsets[n] = t * c.qDim() + h * c.headDim();
            s.states[n] = t * c.heads() + h;
            s.starts[n] = start;
        }
        return n;
    }

    /** The first position the query at {@code position} sees in this layer. */
    private int windowStart(int position) {
        return window > 0 ? Math.max(0, position - window + 1) : 0;
    }

    /**
     * Attention of the scratch's n queries over positions [lo, hi) of one chunk (which starts at
     * chunkStart) of the table's sequence, merged into their running results. Query i sees the
     * chunk from its own start (relative to the chunk); its weights before that are exact zeros,
     * which leave its sums as they would be without those positions.
     */
    private void attendChunk(ChunkScratch s, int n, CpuKvStorage kv, int layer, BlockTable table, int lo, int hi,
                             int chunkStart, float[] q, float[] out) {
        int headDim = c.headDim();
        kv.keyTile(layer, table, lo, hi, s.headOff, headDim, s.keyTile, chunkStart, CHUNK);
        kv.valueTile(layer, table, lo, hi, s.headOff, headDim, s.valueTile, chunkStart);
        int tileLo = lo - chunkStart, tileHi = hi - chunkStart;
        AttentionTiles.scores(q, s.queryOffsets, n, s.keyTile, headDim, tileLo, tileHi, scale, s.weights);
        for (int i = 0; i < n; i++) {
            int row = i * CHUNK, first = row + s.starts[i], end = row + tileHi;
            Arrays.fill(s.weights, row + tileLo, first, 0f);
            if (softcap > 0) VectorOps.softcap(s.weights, first, end - first, softcap);
            s.chunkMax[i] = VectorOps.max(s.weights, first, end - first);
            s.chunkSum[i] = expShifted(s.weights, first, end - first, s.chunkMax[i]);
        }
        AttentionTiles.weightedValues(s.weights, n, s.valueTile, headDim, tileLo, tileHi, s.chunkOut);
        for (int i = 0; i < n; i++) merge(s.states[i], s.queryOffsets[i], s.chunkMax[i], s.chunkSum[i], s.chunkOut,
                i * headDim, out);
    }

    /** The log-sum-exp rule: folds one chunk's partial result into the query's running one. */
    private void merge(int state, int qOff, float chunkMax, float chunkSum, float[] chunkOut, int chunkOff, float[] out) {
        int headDim = c.headDim();
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
            FloatVector.fromArray(F, chunkOut, chunkOff + i).fma(vAdd, o).intoArray(out, qOff + i);
        }
        for (; i < headDim; i++) out[qOff + i] = out[qOff + i] * keep + chunkOut[chunkOff + i] * add;
    }

    /** x[off + i] = exp(x[off + i] - max), rounded to f16, for i below len; returns their sum. */
    private static float expShifted(float[] x, int off, int len, float max) {
        int i = 0;
        FloatVector vMax = FloatVector.broadcast(F, max);
        for (int bound = F.loopBound(len); i < bound; i += F.length()) {
            VectorOps.exp(FloatVector.fromArray(F, x, off + i).sub(vMax)).intoArray(x, off + i);
        }
        for (; i < len; i++) x[off + i] = VectorOps.exp(x[off + i] - max);
        Float16.roundInPlace(x, off, len);
        float sum = 0f;
        for (int p = 0; p < len; p++) sum += x[off + p];
        return sum;
    }

    /** One worker's tiles and per-query bookkeeping for the chunk it is computing. */
    private static final class ChunkScratch {
        final float[] keyTile, valueTile, weights, chunkOut, chunkMax, chunkSum;
        final int[] queryOffsets, states, starts;
        int headOff;

        ChunkScratch(int headDim, int queries) {
            keyTile = new float[headDim * CHUNK];
            valueTile = new float[CHUNK * headDim];
            weights = new float[queries * CHUNK];
            chunkOut = new float[queries * headDim];
            chunkMax = new float[queries];
            chunkSum = new float[queries];
            queryOffsets = new int[queries];
            states = new int[queries];
            starts = new int[queries];
        }
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
        if (scratch.length < workers) {
            scratch = new ChunkScratch[workers];
            for (int w = 0; w < workers; w++) scratch[w] = new ChunkScratch(c.headDim(), SLICE * groupSize);
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
