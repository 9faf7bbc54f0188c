package dev.sparkllm.engine.model;

import dev.sparkllm.engine.tensor.WeightTensor;

/**
 * One transformer block's weights. Norm weights and biases are small and kept as float arrays;
 * the matrices stay in their stored (quantized) form. Biases are null when the model has none.
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
        WeightTensor wDown) {
}
