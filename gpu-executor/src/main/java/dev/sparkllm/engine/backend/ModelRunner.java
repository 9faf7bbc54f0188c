package dev.sparkllm.engine.backend;

/**
 * Runs the model over one {@link StepBatch}. The scheduler and KV management never know which
 * implementation (CPU, CUDA) runs.
 */
public interface ModelRunner extends AutoCloseable {
    /**
     * Allocates the KV block pool's memory: {@code blocks} blocks of {@code blockSize} positions.
     * Called once, before the first {@link #forward}.
     */
    void allocateKv(int blocks, int blockSize);

    /** Memory one KV block of {@code blockSize} positions takes, all layers, keys and values. */
    long kvBytesPerBlock(int blockSize);

    /**
     * Computes the batch, stores its keys and values in the tokens' KV blocks, and writes the
     * vocab-sized logits of each token with {@code wantsLogits}, in batch order, into
     * {@code logits} (length at least logitsCount * vocab).
     */
    void forward(StepBatch batch, float[] logits);

    int vocabSize();

    /** Query-chunk visits of attention served from KV shared with other queries of their step, since the last call. */
    default long takeSharedQueryChunks() { return 0; }

    int contextLength();

    @Override
    default void close() {}
}
