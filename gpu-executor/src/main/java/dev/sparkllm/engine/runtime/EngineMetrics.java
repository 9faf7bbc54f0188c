package dev.sparkllm.engine.runtime;

/**
 * What the engine did since it started (or since {@link InferenceEngine#resetMetrics}).
 *
 * @param promptTokens       prompt tokens of the sequences admitted (each counted once)
 * @param cachedTokens       of those, tokens found in the KV pool (shared prefixes) and not computed
 * @param computedTokens     tokens run through the model: prefill (recomputation included) and decode
 * @param recomputedTokens   tokens computed again after a preemption
 * @param iterations         forward steps
 * @param usedKvBlocks       KV blocks held now
 * @param peakKvBlocks       most KV blocks held at once
 * @param kvBlocks           blocks in the pool
 * @param kvBlockBytes       bytes per block
 * @param preemptions        sequences preempted (blocks freed, recomputed later)
 * @param sharedQueryChunks  query-chunk visits served from a KV chunk stacked with other queries
 * @param productNanos       time of the forward passes' weight-matrix products (as the runner reports it)
 * @param attentionNanos     time of the forward passes' attention (as the runner reports it)
 * @param otherForwardNanos  the rest of the forward calls' wall time: norms, RoPE, KV stores, and all
 *                           of it from a runner that does not split its time
 * @param samplingNanos      picking each row's next token from its logits, stop rules included
 * @param schedulingNanos    the rest of the steps' wall time: planning, admission, block bookkeeping
 *
 * <p>The five times add up to the wall time of the engine's steps.
 */
public record EngineMetrics(long promptTokens, long cachedTokens, long computedTokens, long recomputedTokens,
                            long iterations, int usedKvBlocks, int peakKvBlocks, int kvBlocks, long kvBlockBytes, long preemptions,
                            long sharedQueryChunks, long productNanos, long attentionNanos, long otherForwardNanos,
                            long samplingNanos, long schedulingNanos) {

    /** Prompt tokens served from the cache over all prompt tokens. */
    public double prefixHitRatio() {
        return promptTokens == 0 ? 0 : (double) cachedTokens / promptTokens;
    }

    public double meanTokensPerIteration() {
        return iterations == 0 ? 0 : (double) computedTokens / iterations;
    }

    public long peakKvBytes() {
        return (long) peakKvBlocks * kvBlockBytes;
    }

    /** Wall time of the steps: the sum of the five parts. */
    public long stepNanos() {
        return productNanos + attentionNanos + otherForwardNanos + samplingNanos + schedulingNanos;
    }

    @Override
    public String toString() {
        return String.format("prompt %d tokens, cached %d (hit %.3f), computed %d (recomputed %d), %d iterations "
                        + "(%.1f tokens each), peak KV %d of %d blocks (%.1f MiB), %d preemptions; "
                        + "steps %.2f s: products %.2f, attention %.2f, other forward %.2f, sampling %.2f, scheduling %.2f",
                promptTokens, cachedTokens, prefixHitRatio(), computedTokens, recomputedTokens, iterations,
                meanTokensPerIteration(), peakKvBlocks, kvBlocks, peakKvBytes() / 1048576.0, preemptions,
                stepNanos() / 1e9, productNanos / 1e9, attentionNanos / 1e9, otherForwardNanos / 1e9,
                samplingNanos / 1e9, schedulingNanos / 1e9);
    }
}
