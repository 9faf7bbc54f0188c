package dev.sparkllm.engine.backend;

/**
 * Where a runner's forward passes spent their time since it was last asked: the weight-matrix
 * products, attention, and everything else of the pass (norms, RoPE, KV stores, activations).
 * Sampling and scheduling are the scheduler's to time; together they give a step's breakdown.
 */
public record ForwardTimes(long productNanos, long attentionNanos, long otherNanos) {
    public static final ForwardTimes NONE = new ForwardTimes(0, 0, 0);

    public ForwardTimes plus(ForwardTimes o) {
        return new ForwardTimes(productNanos + o.productNanos, attentionNanos + o.attentionNanos, otherNanos + o.otherNanos);
    }

    public long totalNanos() {
        return productNanos + attentionNanos + otherNanos;
    }
}
