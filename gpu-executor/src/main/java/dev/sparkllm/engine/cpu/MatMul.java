package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.WeightTensor;

/**
 * Weight matrix times activation vectors, for every weight type, split over {@link Parallel}'s
 * workers by rows: out[outOffset + t * rows + r] = row r of w . x[xOffset + t * cols ...].
 *
 * <p>Two paths:
 * <ul>
 *   <li>Few tokens (decode): activations are quantized to 8 bits once per call
 *       ({@link Q8Activations}) and each row's dot product runs on integers straight from the
 *       packed quantized blocks ({@link Q4Kernels}, {@link Q8Kernels}). Rows go in tiles of 16;
 *       with several tokens a tile is reused from L1 for each of them. The result carries the
 *       activation rounding error that llama.cpp's q8_1 path has (relative ~1e-3 of |w| |x|).</li>
 *   <li>Many tokens (prefill, opt-in, see {@link #setPrefillMinTokens}): each worker decodes 8 rows at a time to floats and multiplies them
 *       with all tokens' float activations ({@link FloatGemm}), so every weight block is decoded
 *       once per call however many tokens there are. No activation rounding.</li>
 * </ul>
 * Float weights (F32/F16/BF16) always take the float path. Weights are packed on first use
 * ({@link PackedWeights}, or ahead of time with {@link #prepare}): a heap copy in a kernel-friendly
 * layout, 1.2x the GGUF size for Q4_1 (1.33x Q4_0/Q4_K, 1.06x Q8_0, 1.5x Q6_K, 2x F16/BF16);
 * the mapped GGUF bytes are read only while packing.
 *
 * <p>Allocation: a few small objects per call (the work item and its lambda); none in the loops.
 *
 * <p>Several threads may call matmul at once: scratch is per thread and the worker pool runs one
 * call's rows at a time.
 */
public final class MatMul {
    private MatMul() {}

    /** Rows per work item of the decode path: 16 rows of 576 Q4_1 weights are 6 KiB. */
    private static final int DECODE_ROW_TILE = 16;
    /**
     * Rows decoded to floats at a time in the prefill path: 8 rows of up to 1536 floats (48 KiB)
     * stay in L2 while every token pair passes over them (4 and 16 measured the same within noise).
     */
    private static final int PREFILL_ROW_TILE = 8;
    /**
     * From this many tokens on, the float (prefill) path is used for quantized weights. Off by
     * default: the two paths round differently, so a sequence's tokens would depend on how many
     * other tokens share its step (batch size, prefill chunking). With the integer path for every
     * batch size, each (row, token) product is computed the same way whatever the batch, and
     * greedy output is batch-invariant. Setting this (e.g. 4) trades that invariance for prefill
     * speed; KernelBench's "batched" lines on SmolLM2 (one thread, ms per token, shared and noisy
     * box): 2 tokens integer 11-16 vs float ~16; 4 tokens 10-15 vs 10-13; 16 tokens 9.4-9.8 vs
     * 6.9-8.0; 64 tokens 11-13.6 vs 6.1-6.4.
     */
    private static volatile int prefillMinTokens = Integer.getInteger("sparkllm.cpu.prefillMinTokens", Integer.MAX_VALUE);

    /** Calls with at least this many tokens take the float path (see above); Integer.MAX_VALUE: never. */
    public static int prefillMinTokens() {
        return prefillMinTokens;
    }

    /** Sets {@link #prefillMinTokens()} (engine configuration; tests use it to cover both paths). */
    public static void setPrefillMinTokens(int tokens) {
        if (tokens < 1) throw new IllegalArgumentException("prefillMinTokens must be >= 1, got " + tokens);
        prefillMinTokens = tokens;
    }

    private static final ThreadLocal<Q8Activations> ACTIVATIONS = ThreadLocal.withInitial(Q8Activations::new);
    private static final ThreadLocal<float[]> ROW_SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * out[outOffset + t * w.rows() + r] = dot(row r of w, x[xOffset + t * w.cols() .. + w.cols()))
     * for every token t &lt; nTokens and row r.
     */
    public static void matmul(WeightTensor w, float[] x, int xOffset, float[] out, int outOffset, int nTokens) {
        checkBounds(w, x, xOffset, out, outOffset, nTokens);
        if (nTokens == 0) return;
        Object packed = PackedWeights.of(w);
        if (packed instanceof PackedF32 f) {
            floatWeights(f, x, xOffset, out, outOffset, nTokens);
        } else {
            boolean floatPath = nTokens >= prefillMinTokens;
            quantized(new Target[] {new Target((QuantizedMatrix) packed, out, outOffset, 0)}, x, xOffset, nTokens, floatPath);
        }
    }

    /**
     * {@link #matmul} for several matrices that multiply the same input (q, k and v; gate and
     * up): outs[i][outOffsets[i] + t * ws[i].rows() + r] = row r of ws[i] . token t of x. The
     * activations are quantized once and all rows go to the workers in one parallel pass, which
     * saves a dispatch and a tail wait per extra matrix (matters at 2+ threads, where a 192-row
     * matmul is only ~8 us of work).
     */
    public static void matmulShared(WeightTensor[] ws, float[] x, int xOffset, float[][] outs, int[] outOffsets, int nTokens) {
        if (ws.length != outs.length || ws.length != outOffsets.length) {
            throw new IllegalArgumentException(ws.length + " matrices but " + outs.length + " outputs and " + outOffsets.length + " offsets");
        }
        Target[] targets = new Target[ws.length];
        boolean floatPath = nTokens >= prefillMinTokens;
        int tiles = 0;
        boolean sharable = true;
        for (int i = 0; i < ws.length; i++) {
            checkBounds(ws[i], x, xOffset, outs[i], outOffsets[i], nTokens);
            Object packed = PackedWeights.of(ws[i]);
            if (!(packed instanceof QuantizedMatrix q) || ws[i].cols() != ws[0].cols()) {
                sharable = false;
                break;
            }
            targets[i] = new Target(q, outs[i], outOffsets[i], tiles);
            tiles += tilesOf(q.rows(), floatPath);
        }
        if (nTokens == 0) return;
        if (!sharable) {
            for (int i = 0; i < ws.length; i++) matmul(ws[i], x, xOffset, outs[i], outOffsets[i], nTokens);
            return;
        }
        quantized(targets, x, xOffset, nTokens, floatPath);
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

    private static int tilesOf(int rows, boolean floatPath) {
        int tile = floatPath ? PREFILL_ROW_TILE : DECODE_ROW_TILE;
        return (rows + tile - 1) / tile;
    }

    /** The target owning global tile {@code tile} (targets are few: a linear scan). */
    private static Target targetOf(Target[] targets, int tile) {
        int i = targets.length - 1;
        while (targets[i].firstTile > tile) i--;
        return targets[i];
    }

    private static void quantized(Target[] targets, float[] x, int xOffset, int nTokens, boolean floatPath) {
        Target last = targets[targets.length - 1];
        int tiles = last.firstTile + tilesOf(last.w.rows(), floatPath);
        if (!floatPath) {
            decode(targets, tiles, x, xOffset, nTokens);
        } else {
            prefill(targets, tiles, x, xOffset, nTokens);
        }
    }

    private static void decode(Target[] targets, int tiles, float[] x, int xOffset, int nTokens) {
        Q8Activations acts = ACTIVATIONS.get();
        acts.quantize(x, xOffset, targets[0].w.cols(), nTokens);
        Parallel.parallelFor(tiles, (worker, from, to) -> {
            for (int tile = from; tile < to; tile++) {
                Target target = targetOf(targets, tile);
                int rows = target.w.rows();
                int r0 = (tile - target.firstTile) * DECODE_ROW_TILE;
                int r1 = Math.min(rows, r0 + DECODE_ROW_TILE);
                // Tokens in pairs: each weight block is unpacked once for two tokens (same results).
                int t = 0;
                for (; t + 1 < nTokens; t += 2) {
                    target.w.matvec2(acts, t, t + 1, target.out, target.outOffset + t * rows,
                            target.outOffset + (t + 1) * rows, r0, r1);
                }
                if (t < nTokens) {
                    target.w.matvec(acts, t, target.out, target.outOffset + t * rows, r0, r1);
                }
            }
        });
    }

    private static void prefill(Target[] targets, int tiles, float[] x, int xOffset, int nTokens) {
        int cols = targets[0].w.cols();
        Parallel.parallelFor(tiles, (worker, from, to) -> {
            float[] decoded = rowScratch(PREFILL_ROW_TILE * cols);
            for (int tile = from; tile < to; tile++) {
                Target target = targetOf(targets, tile);
                int rows = target.w.rows();
                int r0 = (tile - target.firstTile) * PREFILL_ROW_TILE;
                int count = Math.min(PREFILL_ROW_TILE, rows - r0);
                target.w.dequantizeRows(r0, count, decoded);
                FloatGemm.multiply(decoded, 0, count, cols, x, xOffset, nTokens, target.out, target.outOffset + r0, rows);
            }
        });
    }

    private static void floatWeights(PackedF32 f, float[] x, int xOffset, float[] out, int outOffset, int nTokens) {
        int rows = f.rows;
        int cols = f.cols;
        int tiles = (rows + DECODE_ROW_TILE - 1) / DECODE_ROW_TILE;
        Parallel.parallelFor(tiles, (worker, from, to) -> {
            int r0 = from * DECODE_ROW_TILE;
            int r1 = Math.min(rows, to * DECODE_ROW_TILE);
            FloatGemm.multiply(f.values, r0 * cols, r1 - r0, cols, x, xOffset, nTokens, out, outOffset + r0, rows);
        });
    }

    private static float[] rowScratch(int size) {
        float[] s = ROW_SCRATCH.get();
        if (s.length < size) {
            s = new float[size];
            ROW_SCRATCH.set(s);
        }
        return s;
    }
}
