package dev.sparkllm.engine.model;

import dev.sparkllm.engine.tokenizer.Tokenizer;

/**
 * A model ready to run: its shape, weights (mapped, not copied), tokenizer and chat template.
 * Closing it releases the underlying files; the weights must not be used afterwards.
 *
 * @param chatTemplate the model's own Jinja chat template, or null when it ships none
 * @param bosText      text of the BOS token (templates refer to it as bos_token), may be empty
 * @param eosText      text of the EOS token (eos_token), may be empty
 */
public record LoadedModel(
        String name,
        ModelConfig config,
        ModelWeights weights,
        Tokenizer tokenizer,
        String chatTemplate,
        String bosText,
        String eosText,
        AutoCloseable resources) implements AutoCloseable {

    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing model " + name + ": " + e.getMessage(), e);
        }
    }
}
