package dev.sparkllm.engine.model;

import dev.sparkllm.engine.tensor.WeightTensor;

/**
 * One transformer block's weights. Norm weights and biases are small and kept as float arrays;
 * the matrices stay in their stored (quantized) form. Biases are null when the model has none, as
 * are the norms its {@link ArchSwitches} leave out: per-head q/k norms (qkNorm) and the norms on
 * the attention and feed-forward outputs (sandwichNorms). Norm weights are what multiplies the
 * normalised vector: a loader of Gemma's Hugging Face files has already added the 1 of its (1 + w).
 */
public record LayerWeights(
        float[] attnNorm,
        WeightTensor wq,
        WeightTensor wk,
        WeightTensor wv,
        float[] bq,
        float[] bk,
        float[] bv,
        WeightTensor wo,
        float[] ffnNorm,
        WeightTensor wGate,
        WeightTensor wUp,
        WeightTensor wDown,
        float[] qNorm,
        float[] kNorm,
        float[] postAttnNorm,
        float[] postFfnNorm) {

    /** A Llama-family block: no q/k or output norms. */
    public LayerWeights(float[] attnNorm, WeightTensor wq, WeightTensor wk, WeightTensor wv, float[] bq, float[] bk,
                        float[] bv, WeightTensor wo, float[] ffnNorm, WeightTensor wGate, WeightTensor wUp,
                        WeightTensor wDown) {
        this(attnNorm, wq, wk, wv, bq, bk, bv, wo, ffnNorm, wGate, wUp, wDown, null, null, null, null);
    }
}
