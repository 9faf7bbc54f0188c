package dev.sparkllm.engine.tokenizer;

import java.util.Locale;
import java.util.Objects;

/** Builds the tokenizer a spec describes. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * A thread-safe tokenizer for the spec's model: "gpt2" (byte-level BPE) or "llama"
     * (SentencePiece BPE).
     *
     * @throws IllegalArgumentException for another model, an unknown pre-tokenizer name, or a spec
     *                                  without the merges / scores its model needs
     */
    public static Tokenizer create(TokenizerSpec spec) {
        Objects.requireNonNull(spec, "spec");
        String model = spec.model() == null ? "" : spec.model().toLowerCase(Locale.ROOT);
        return switch (model) {
            case "gpt2" -> new ByteLevelBpeTokenizer(spec);
            case "llama" -> new SentencePieceBpeTokenizer(spec);
            default -> throw new IllegalArgumentException("unsupported tokenizer model '" + spec.model()
                    + "' (supported: gpt2, llama)");
        };
    }
}
