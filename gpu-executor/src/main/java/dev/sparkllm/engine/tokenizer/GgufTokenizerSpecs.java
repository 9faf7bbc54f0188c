package dev.sparkllm.engine.tokenizer;

import dev.sparkllm.engine.format.GgufFile;

/** Reads a {@link TokenizerSpec} from the {@code tokenizer.ggml.*} metadata of a GGUF file. */
public final class GgufTokenizerSpecs {
    private static final String PREFIX = "tokenizer.ggml.";

    private GgufTokenizerSpecs() {
    }

    /**
     * The spec of the file's tokenizer. Defaults follow llama.cpp: SentencePiece models ("llama")
     * add BOS and a dummy-prefix space unless the file says otherwise; byte-level models ("gpt2")
     * add no space and take BOS from {@code add_bos_token} (true for Llama 3's "llama-bpe").
     * Turn-end tokens such as {@code <|im_end|>} join the EOS ids (see {@link EndOfGenerationTokens}).
     *
     * @throws IllegalArgumentException when the file has no tokenizer
     */
    public static TokenizerSpec fromGguf(GgufFile gguf) {
        String model = gguf.string(PREFIX + "model", null);
        String[] tokens = gguf.stringArray(PREFIX + "tokens");
        if (model == null || tokens == null) {
            throw new IllegalArgumentException("GGUF file has no tokenizer (tokenizer.ggml.model / tokens)");
        }
        boolean sentencePiece = model.equals("llama");
        String pre = gguf.string(PREFIX + "pre", null);
        boolean llama3Style = pre != null && PreTokenizers.ignoresMerges(pre);

        int bos = id(gguf, "bos_token_id", sentencePiece ? 1 : -1, tokens.length);
        int eos = id(gguf, "eos_token_id", sentencePiece ? 2 : -1, tokens.length);
        int eot = id(gguf, "eot_token_id", -1, tokens.length);
        int eom = id(gguf, "eom_token_id", -1, tokens.length);
        int unknown = id(gguf, "unknown_token_id", sentencePiece ? 0 : -1, tokens.length);
        int padding = id(gguf, "padding_token_id", -1, tokens.length);

        return new TokenizerSpec(
                model,
                sentencePiece ? null : pre,
                tokens,
                gguf.floatArray(PREFIX + "scores"),
                gguf.intArray(PREFIX + "token_type"),
                gguf.stringArray(PREFIX + "merges"),
                bos,
                eos,
                EndOfGenerationTokens.collect(tokens, eos, eot, eom),
                unknown,
                padding,
                gguf.bool(PREFIX + "add_bos_token", sentencePiece || llama3Style),
                gguf.bool(PREFIX + "add_eos_token", false),
                gguf.bool(PREFIX + "add_space_prefix", sentencePiece));
    }

    /** An id key, or the default; ids outside the vocabulary count as absent (-1). */
    private static int id(GgufFile gguf, String key, int dflt, int vocabSize) {
        long id = gguf.integer(PREFIX + key, dflt);
        return id >= 0 && id < vocabSize ? (int) id : -1;
    }
}
