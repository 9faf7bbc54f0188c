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
 * reads the same blocks for it goes over those tiles together, through {@link AttentionTiles}' two
 * small matrix products: the query heads that share a kv head (grouped-query attention), and the
 * tokens of the step whose sequences hold the same blocks there: a group's members over their
 * common prefix, the prompt tokens of one sequence over its earlier positions. The prefix is read
 * and decoded once per group instead of once per member, one matrix product instead of one
 * matrix-vector product per member. Each query keeps its own range of the chunk (causal end,
 * window start); its weights outside that range are exact zeros.
 *
 * <p>A sliding layer (window W) lets the query at position p see only positions [p - W + 1, p]:
 * each chunk is clipped to the query's own window and chunks wholly before it are skipped. The
 * chunk boundaries stay absolute and the clipping depends on the query's position alone, so
 * stacking still gives each member bit-identical output.
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
     * a sliding layer skips chunks that fall before its members' windows.
     */
    private final int countedLayer;
    private float[] maxes = new float[0];
    private float[] sums = new float[0];
    private long[] sortKeys = new long[0];
    private int[] order = new int[0];
    /**
     * sharedWithFirst[i]: positions the table of order[i] holds in common with the first table of
     * its group (all of them for that table itself), found once per call instead of per chunk.
     */
    private int[] sharedWithFirst = new int[0];
    private int[] itemFrom = new int[0], itemTo = new int[0], itemKvHead = new int[0];
    /** Per item: query-chunk visits it served from tiles that several members read. */
    private long[] itemSharedQueries = new long[0];
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
            for (int item = 0; item < items; item++) sharedQueryChunks += itemSharedQueries[item];
        }
    }

    /**
     * Sorts the step's tokens by their first KV block, so tokens that share a prefix (a group's
     * members, or several prompt tokens of one sequence) are adjacent, and cuts each such group
     * into items of (kv head, up to SLICE members).
     */
    private int planItems(StepBatch batch) {
        int n = batch.size();
        for (int t = 0; t < n; t++) sortKeys[t] = ((long) batch.table(t).block(0) << 32) | t;
        Arrays.sort(sortKeys, 0, n);
        for (int i = 0; i < n; i++) order[i] = (int) sortKeys[i];
        int items = 0;
        for (int start = 0; start < n; ) {
            BlockTable first = batch.table(order[start]);
            int end = start + 1;
            while (end < n && batch.table(order[end]).block(0) == first.block(0)) end++;
            for (int i = start; i < end; i++) {
                BlockTable table = batch.table(order[i]);
                sharedWithFirst[i] = table == first ? Integer.MAX_VALUE : table.commonBlocks(first) * table.blockSize();
            }
            for (int kvHead = 0; kvHead < c.kvHeads(); kvHead++) {
                for (int from = start; from < end; from += SLICE) {
                    growItems(items + 1);
                    itemFrom[items] = from;
                    itemTo[items] = Math.min(end, from + SLICE);
                    itemKvHead[items] = kvHead;
                    items++;
                }
            }
            start = end;
        }
        return items;
    }

    /**
     * One item, chunk by chunk: the members that read the same blocks for a chunk (all of them
     * over a group's common prefix, several tokens of one sequence over its own positions) go
     * over that chunk's tiles together, each query over its own range of the chunk.
     */
    private void runItem(int item, int worker, StepBatch batch, CpuKvStorage kv, int layer, float[] q, float[] out) {
        int headDim = c.headDim();
        int qDim = c.qDim();
        int kvHead = itemKvHead[item];
        int firstHead = kvHead * groupSize;
        int from = itemFrom[item], to = itemTo[item];
        ChunkScratch s = scratch[worker];
        s.headOff = kvHead * headDim;
        int firstChunk = Integer.MAX_VALUE, lastChunk = -1;
        for (int i = from; i < to; i++) {
            int t = order[i];
            for (int h = firstHead; h < firstHead + groupSize; h++) {
                int row = t * qDim + h * headDim;
                Float16.roundInPlace(q, row, headDim);
                Arrays.fill(out, row, row + headDim, 0f);
                maxes[t * c.heads() + h] = Float.NEGATIVE_INFINITY;
                sums[t * c.heads() + h] = 0f;
            }
            firstChunk = Math.min(firstChunk, windowStart(batch.position(t)) / CHUNK);
            lastChunk = Math.max(lastChunk, batch.position(t) / CHUNK);
            s.servedChunk[i - from] = -1;
        }
        long sharedQueries = 0;
        for (int chunk = firstChunk; chunk <= lastChunk; chunk++) {
            int chunkStart = chunk * CHUNK;
            for (int i = from; i < to; i++) {
                int leader = order[i];
                int leaderEnd = chunkEnd(batch, leader, chunk);
                if (s.servedChunk[i - from] == chunk || chunkStart(batch, leader, chunk) >= leaderEnd) continue;
                BlockTable table = batch.table(leader);
                int n = 0, members = 0, lo = Integer.MAX_VALUE, hi = 0;
                for (int j = i; j < to; j++) {
                    int t = order[j];
                    int start = chunkStart(batch, t, chunk), end = chunkEnd(batch, t, chunk);
                    if (s.servedChunk[j - from] == chunk || start >= end) continue;
                    // Tokens of one sequence hold the same table; two sequences of a group hold the same
                    // blocks at least as far as both share them with the group's first sequence.
                    if (batch.table(t) != table && Math.min(sharedWithFirst[i], sharedWithFirst[j]) < Math.max(end, leaderEnd)) {
                        continue;
                    }
                    s.servedChunk[j - from] = chunk;
                    n = addQueries(s, n, t, firstHead, start - chunkStart, end - chunkStart);
                    lo = Math.min(lo, start);
                    hi = Math.max(hi, end);
                    members++;
                }
                attendChunk(s, n, kv, layer, table, lo, hi, chunkStart, q, out);
                if (members > 1) sharedQueries += n;
            }
        }
        itemSharedQueries[item] = sharedQueries;
        for (int i = from; i < to; i++) {
            int t = order[i];
            for (int h = firstHead; h < firstHead + groupSize; h++) {
                VectorOps.scale(out, t * qDim + h * headDim, headDim, 1f / sums[t * c.heads() + h]);
            }
        }
    }

    /** The first position of the chunk that token t's query sees in this layer (its window's start or the chunk's). */
    private int chunkStart(StepBatch batch, int t, int chunk) {
        return Math.max(chunk * CHUNK, windowStart(batch.position(t)));
    }

    /** One past the last position of the chunk that token t's query sees (causal: its own position). */
    private static int chunkEnd(StepBatch batch, int t, int chunk) {
        return Math.min((chunk + 1) * CHUNK, batch.position(t) + 1);
    }

    /** Appends token t's queries of the kv head's query heads, each seeing [start, end) of the chunk. */
    private int addQueries(ChunkScratch s, int n, int t, int firstHead, int start, int end) {
        for (int h = firstHead; h < firstHead + groupSize; h++, n++) {
            s.queryOffsets[n] = t * c.qDim() + h * c.headDim();
            s.states[n] = t * c.heads() + h;
            s.starts[n] = start;
            s.ends[n] = end;
        }
        return n;
    }

    /** The first position the query at {@code position} sees in this layer. */
    private int windowStart(int position) {
        return window > 0 ? Math.max(0, position - window + 1) : 0;
    }

    /**
     * Attention of the scratch's n queries over positions [lo, hi) of one chunk (which starts at
     * chunkStart) of the table's sequence, merged into their running results. Query i sees its own
     * range [starts[i], ends[i]) of the chunk; its weights outside it are exact zeros, which leave
     * its sums bit for bit as they would be without those positions (an accumulator that starts at
     * +0 stays +0 under +0 * v, and x + (+-0) is x).
     */
    private void attendChunk(ChunkScratch s, int n, CpuKvStorage kv, int layer, BlockTable table, int lo, int hi,
                             int chunkStart, float[] q, float[] out) {
        int headDim = c.headDim();
        kv.keyTile(layer, table, lo, hi, s.headOff, s.keyTile, chunkStart, CHUNK);
        kv.valueTile(layer, table, lo, hi, s.headOff, s.valueTile, chunkStart);
        int tileLo = lo - chunkStart, tileHi = hi - chunkStart;
        AttentionTiles.scores(q, s.queryOffsets, n, s.keyTile, headDim, tileLo, tileHi, scale, s.weights);
        for (int i = 0; i < n; i++) {
            int row = i * CHUNK, first = row + s.starts[i], end = row + s.ends[i];
            Arrays.fill(s.weights, row + tileLo, first, 0f);
            Arrays.fill(s.weights, end, row + tileHi, 0f);
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
        final int[] queryOffsets, states, starts, ends;
        /** servedChunk[i]: the last chunk the item's i-th member has been computed over. */
        final int[] servedChunk = new int[SLICE];
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
            ends = new int[queries];
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
            sharedWithFirst = new int[n];
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
        itemSharedQueries = Arrays.copyOf(itemSharedQueries, size);
    }
}
