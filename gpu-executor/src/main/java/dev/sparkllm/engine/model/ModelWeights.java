package dev.sparkllm.engine.model;

import dev.sparkllm.engine.tensor.WeightTensor;

/**
 * All weights of a Llama-family decoder. {@code output} is the same tensor as
 * {@code tokenEmbedding} when the model ties its embeddings.
 */
public record ModelWeights(
        WeightTensor tokenEmbedding,
        LayerWeights[] layers,
        float[] outputNorm,
        WeightTensor output) {
}
