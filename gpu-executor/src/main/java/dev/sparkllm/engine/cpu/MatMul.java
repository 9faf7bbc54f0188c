package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.WeightTensor;

/**
 * Weight matrix times a step's activation vectors, for every weight type, split over
 * {@link Parallel}'s workers: out[outOffset + t * rows + r] = row r of w . x[xOffset + t * cols ...].
 *
 * <p>One call is one matrix product over all of the step's tokens (prefill chunks and decode
 * tokens alike). Quantized weights ({@link QuantizedMatrix}) are decoded in registers by the
 * kernels of {@link TileKernels}, each tile of eight rows read once per four tokens from L1.
 * The work items are (token chunk, row tile) pairs, chunk-major: a chunk of
 * {@link #TOKEN_CHUNK} tokens' activations stays in L2 while every row tile passes over it.
 * Every token takes the same arithmetic whatever the call's size, so results are batch-invariant.
 *
 * <p>Float weights (F32/F16/BF16) go through {@link FloatGemm}. Weights are packed on first use
 * ({@link PackedWeights}, or ahead of time with {@link #prepare}).
 *
 * <p>Several threads may call matmul at once: the worker pool runs one call's items at a time.
 */
public final class MatMul {
    private MatMul() {}

    /**
     * Row groups per work item: 48 rows, enough work per item to amortize its claim, and a multiple
     * of the three groups of a single token's widest tile, so a decode step's groups never fall to
     * the one-chain tile.
     */
    private static final int TILE_GROUPS = 6;
    /**
     * Tokens per work item: 64 tokens of up to 1,536 floats (384 KiB) stay in a 512 KiB L2
     * while the row tiles stream past them.
     */
    static final int TOKEN_CHUNK = 64;
    /** Rows per work item of float weights. */
    private static final int FLOAT_ROW_TILE = 16;

    /**
     * out[outOffset + t * w.rows() + r] = dot(row r of w, x[xOffset + t * w.cols() .. + w.cols()))
     * for every token t &lt; nTokens and row r.
     */
    public static void matmul(WeightTensor w, float[] x, int xOffset, float[] out, int outOffset, int nTokens) {
        matmulShared(new WeightTensor[] {w}, x, xOffset, new float[][] {out}, new int[] {outOffset}, nTokens);
    }

    /**
     * {@link #matmul} for several matrices that multiply the same input (q, k and v; gate and
     * up): outs[i][outOffsets[i] + t * ws[i].rows() + r] = row r of ws[i] . token t of x. All
     * their tiles go to the workers in one parallel pass, which saves a dispatch and a tail wait
     * per extra matrix.
     */
    public static void matmulShared(WeightTensor[] ws, float[] x, int xOffset, float[][] outs, int[] outOffsets, int nTokens) {
        if (ws.length != outs.length || ws.length != outOffsets.length) {
            throw new IllegalArgumentException(ws.length + " matrices but " + outs.length + " outputs and " + outOffsets.length + " offsets");
        }
        Target[] targets = new Target[ws.length];
        int tiles = 0;
        boolean allQuantized = true;
        for (int i = 0; i < ws.length; i++) {
            checkBounds(ws[i], x, xOffset, outs[i], outOffsets[i], nTokens);
            Object packed = PackedWeights.of(ws[i]);
            if (packed instanceof QuantizedMatrix q && ws[i].cols() == ws[0].cols()) {
                targets[i] = new Target(q, outs[i], outOffsets[i], tiles);
                tiles += (q.groups() + TILE_GROUPS - 1) / TILE_GROUPS;
            } else {
                allQuantized = false;
            }
        }
        if (nTokens == 0) return;
        if (!allQuantized) {
            for (int i = 0; i < ws.length; i++) {
                Object packed = PackedWeights.of(ws[i]);
                if (packed instanceof PackedF32 f) {
                    floatWeights(f, x, xOffset, outs[i], outOffsets[i], nTokens);
                } else {
                    quantized(new Target[] {new Target((QuantizedMatrix) packed, outs[i], outOffsets[i], 0)},
                            (((QuantizedMatrix) packed).groups() + TILE_GROUPS - 1) / TILE_GROUPS, x, xOffset, nTokens);
                }
            }
            return;
        }
        quantized(targets, tiles, x, xOffset, nTokens);
    }

    /** out[outOffset + r] = row r of w . x[xOffset ...]: {@link #matmul} with one token. */
    public static void matvec(WeightTensor w, float[] x, int xOffset, float[] out, int outOffset) {
        matmul(w, x, xOffset, out, outOffset, 1);
    }

    /** Packs w for the kernels now rather than on its first matmul (e.g. while loading a model). */
    public static void prepare(WeightTensor w) {
        PackedWeights.of(w);
    }

    private static void checkBounds(WeightTensor w, float[] x, int xOffset, float[] out, int outOffset, int nTokens) {
        if (nTokens < 0) throw new IllegalArgumentException("nTokens " + nTokens);
        long xNeed = xOffset + (long) nTokens * w.cols();
        long outNeed = outOffset + (long) nTokens * w.rows();
        if (xOffset < 0 || xNeed > x.length) {
            throw new IndexOutOfBoundsException(nTokens + " tokens of " + w.cols() + " from " + xOffset + " in x[" + x.length + "]");
        }
        if (outOffset < 0 || outNeed > out.length) {
            throw new IndexOutOfBoundsException(nTokens + " rows of " + w.rows() + " from " + outOffset + " in out[" + out.length + "]");
        }
    }

    /** One quantized matrix of a call, its output, and the index of its first row tile. */
    private record Target(QuantizedMatrix w, float[] out, int outOffset, int firstTile) {}

    /** The target owning global tile {@code tile} (targets are few: a linear scan). */
    private static Target targetOf(Target[] targets, int tile) {
        int i = targets.length - 1;
        while (targets[i].firstTile > tile) i--;
        return targets[i];
    }

    private static void quantized(Target[] targets, int tiles, float[] x, int xOffset, int nTokens) {
        QuantizedMatrix[] readers = new QuantizedMatrix[targets.length];
        for (int i = 0; i < targets.length; i++) readers[i] = targets[i].w;
        TileInput in = TileInput.of(x, xOffset, targets[0].w.cols(), nTokens, readers);
        int chunks = (nTokens + TOKEN_CHUNK - 1) / TOKEN_CHUNK;
        Parallel.parallelFor(chunks * tiles, (worker, from, to) -> {
            for (int item = from; item < to; item++) {
                int chunk = item / tiles, tile = item % tiles;
                Target target = targetOf(targets, tile);
                int g0 = (tile - target.firstTile) * TILE_GROUPS;
                int g1 = Math.min(target.w.groups(), g0 + TILE_GROUPS);
                int t0 = chunk * TOKEN_CHUNK;
                int t1 = Math.min(nTokens, t0 + TOKEN_CHUNK);
                target.w.multiply(in, t0, t1, g0, g1, target.out, target.outOffset);
            }
        });
    }

    private static void floatWeights(PackedF32 f, float[] x, int xOffset, float[] out, int outOffset, int nTokens) {
        int rows = f.rows;
        int cols = f.cols;
        int tiles = (rows + FLOAT_ROW_TILE - 1) / FLOAT_ROW_TILE;
        Parallel.parallelFor(tiles, (worker, from, to) -> {
            int r0 = from * FLOAT_ROW_TILE;
            int r1 = Math.min(rows, to * FLOAT_ROW_TILE);
            FloatGemm.multiply(f.values, r0 * cols, r1 - r0, cols, x, xOffset, nTokens, out, outOffset + r0, rows);
        });
    }
}
