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
 */
public record EngineMetrics(long promptTokens, long cachedTokens, long computedTokens, long recomputedTokens,
                            long iterations, int usedKvBlocks, int peakKvBlocks, int kvBlocks, long kvBlockBytes, long preemptions,
                            long sharedQueryChunks) {

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

    @Override
    public String toString() {
        return String.format("prompt %d tokens, cached %d (hit %.3f), computed %d (recomputed %d), %d iterations "
                        + "(%.1f tokens each), peak KV %d of %d blocks (%.1f MiB), %d preemptions",
                promptTokens, cachedTokens, prefixHitRatio(), computedTokens, recomputedTokens, iterations,
                meanTokensPerIteration(), peakKvBlocks, kvBlocks, peakKvBytes() / 1048576.0, preemptions);
    }
}
