package dev.sparkllm.engine.backend;

/**
 * Runs the model over one {@link StepBatch}. The scheduler and KV management never know which
 * implementation (CPU, CUDA) runs.
 */
public interface ModelRunner extends AutoCloseable {
    /**
     * Computes the batch, appends its keys and values to the sequences' caches, and writes the
     * vocab-sized logits of each token with {@code wantsLogits}, in batch order, into
     * {@code logits} (length at least logitsCount * vocab).
     */
    void forward(StepBatch batch, float[] logits);

    /** A fresh, empty cache for a new sequence. */
    KvCache newCache();

    int vocabSize();

    int contextLength();

    @Override
    default void close() {}
}
