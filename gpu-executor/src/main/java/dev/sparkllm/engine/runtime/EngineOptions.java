package dev.sparkllm.engine.runtime;

/**
 * How the engine batches and how much memory it takes.
 *
 * @param maxSequences  most sequences running at once. With memory-centric admission this is only a
 *                      safety ceiling (free KV blocks decide how many run); with fixed-count
 *                      admission it is the batch size itself
 * @param maxStepTokens tokens in one forward step, decode tokens and prefill chunks together; it
 *                      sizes the activation scratch, so it bounds activation memory
 * @param maxContext    longest sequence (prompt + output) allowed; capped by the model's context
 * @param kvCacheBytes  the KV block pool's memory, allocated once; {@link #KV_AUTO} takes enough for
 *                      {@code maxSequences} full contexts, at most {@link #KV_AUTO_CAP_BYTES}
 * @param blockSize     positions per KV block (a power of two)
 * @param prefixSharing reuse computed prompt blocks across sequences (a group's prefix is computed
 *                      once), and hold a group's members until their prefix is computed
 * @param memoryCentric which admission policy starts waiting sequences. On
 *                      ({@link MemoryCentricAdmission}): a sequence starts whenever its prefill's KV
 *                      blocks fit in the free blocks minus a small reserve for running decodes, up
 *                      to {@code maxSequences}. Off ({@link FixedCountAdmission}): a static batch of
 *                      {@code maxSequences} slots; a sequence starts when fewer are running and its
 *                      prefill's blocks fit, however much memory is left. Either way waiting
 *                      sequences are taken in fair-queue order and blocks are never over-committed
 */
public record EngineOptions(int maxSequences, int maxStepTokens, int maxContext, long kvCacheBytes, int blockSize,
                            boolean prefixSharing, boolean memoryCentric) {
    public static final long KV_AUTO = -1;
    public static final long KV_AUTO_CAP_BYTES = 512L << 20;
    public static final int DEFAULT_BLOCK_SIZE = 16;
    public static final EngineOptions DEFAULT = new EngineOptions(256, 512, 4096);

    public EngineOptions {
        if (maxSequences < 1) throw new IllegalArgumentException("maxSequences must be >= 1");
        if (maxStepTokens < 1) throw new IllegalArgumentException("maxStepTokens must be >= 1");
        if (maxContext < 2) throw new IllegalArgumentException("maxContext must be >= 2");
        if (kvCacheBytes != KV_AUTO && kvCacheBytes < 1) throw new IllegalArgumentException("kvCacheBytes must be positive");
        if (blockSize < 1 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("blockSize must be a power of two, got " + blockSize);
        }
    }

    /** Sharing and memory-centric batching on, the KV pool sized automatically. */
    public EngineOptions(int maxSequences, int maxStepTokens, int maxContext) {
        this(maxSequences, maxStepTokens, maxContext, KV_AUTO, DEFAULT_BLOCK_SIZE, true, true);
    }

    public EngineOptions withKvCacheBytes(long bytes) {
        return new EngineOptions(maxSequences, maxStepTokens, maxContext, bytes, blockSize, prefixSharing, memoryCentric);
    }

    public EngineOptions withPrefixSharing(boolean on) {
        return new EngineOptions(maxSequences, maxStepTokens, maxContext, kvCacheBytes, blockSize, on, memoryCentric);
    }

    /** Memory-centric admission on, or off: then a fixed count of {@code maxSequences} at a time. */
    public EngineOptions withMemoryCentric(boolean on) {
        return new EngineOptions(maxSequences, maxStepTokens, maxContext, kvCacheBytes, blockSize, prefixSharing, on);
    }

    /** Fixed-count admission of {@code sequences} at a time (a static batch), prefix sharing unchanged. */
    public EngineOptions withFixedCount(int sequences) {
        return new EngineOptions(sequences, maxStepTokens, maxContext, kvCacheBytes, blockSize, prefixSharing, false);
    }

    /** The plain baseline: no prefix sharing, fixed-count admission of {@code sequences} at a time. */
    public EngineOptions plainBatching(int sequences) {
        return withFixedCount(sequences).withPrefixSharing(false);
    }

    /** Blocks in the pool for a model whose block takes {@code bytesPerBlock}. */
    int poolBlocks(long bytesPerBlock, int context) {
        long bytes = kvCacheBytes;
        if (bytes == KV_AUTO) {
            long full = (long) maxSequences * ((context + blockSize - 1) / blockSize) * bytesPerBlock;
            bytes = Math.min(full, KV_AUTO_CAP_BYTES);
        }
        long blocks = bytes / bytesPerBlock;
        if (blocks < 1) {
            throw new IllegalArgumentException("kvCacheBytes " + bytes + " is less than one KV block ("
                    + bytesPerBlock + " bytes)");
        }
        return (int) Math.min(blocks, Integer.MAX_VALUE / 2);
    }
}
