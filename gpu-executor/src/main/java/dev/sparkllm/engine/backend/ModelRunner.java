package dev.sparkllm.engine.backend;

import dev.sparkllm.engine.sampling.SamplingParams;

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

    /**
     * Whether this runner chooses the next tokens itself ({@link #forwardAndSample}), so logits
     * never leave its device.
     */
    default boolean samplesOnDevice() { return false; }

    /**
     * Computes the batch like {@link #forward} and chooses each logits row's next token into
     * {@code tokens} (-1 when a row has no finite logit). {@code draws[row]} is the row's uniform
     * draw in [0, 1) from its request's random stream (unused when its temperature is 0).
     */
    default void forwardAndSample(StepBatch batch, SamplingParams[] params, float[] draws, int[] tokens) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not sample on its device");
    }

    /**
     * {@link #forwardAndSample} that also copies the rows' logits, as {@link #forward} writes them,
     * into {@code hostLogits} when it is not null (a step with rows asking for log-probabilities).
     */
    default void forwardAndSample(StepBatch batch, SamplingParams[] params, float[] draws, int[] tokens, float[] hostLogits) {
        if (hostLogits != null) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot return logits with its sampled tokens");
        }
        forwardAndSample(batch, params, draws, tokens);
    }

    /** Query-chunk visits of attention served from KV shared with other queries of their step, since the last call. */
    default long takeSharedQueryChunks() { return 0; }

    /** Forward time by part since the last call (NONE from a runner that does not measure it). */
    default ForwardTimes takeForwardTimes() { return ForwardTimes.NONE; }

    int contextLength();

    @Override
    default void close() {}
}
