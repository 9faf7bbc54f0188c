package dev.sparkllm.engine.model;

import java.util.List;

/**
 * Which flavour of tiny model {@link TinyLlamaFiles} writes, in both formats.
 *
 * @param name              shown in test names
 * @param ggufArchitecture  general.architecture of the GGUF file
 * @param hfModelType       model_type of config.json; "llama" also selects the Llama 3 tokenizer layout
 * @param permuteQk         whether the GGUF's Q/K rows are permuted for interleaved RoPE, as the
 *                          converter does for llama-type models (off only for a negative control)
 * @param qkvBias           Qwen2's q/k/v projection biases
 * @param tiedEmbeddings    no separate output matrix: the embedding is reused
 * @param hfDtype           safetensors dtype of the HF weights (F32, F16, BF16); the GGUF stays F32
 *                          holding the same rounded values
 * @param llama3RopeScaling Llama 3.1 frequency scaling (rope_scaling in HF, rope_freqs in GGUF)
 * @param rmsEps            RMSNorm epsilon
 * @param contextLength     max_position_embeddings / context_length
 * @param paddingRows       embedding rows beyond the tokenizer's tokens, as Qwen2.5 pads vocab_size
 *                          (151936 rows for 151665 tokens); the converter names them {@code [PAD<id>]}
 */
record TinyLlamaVariant(String name, String ggufArchitecture, String hfModelType, boolean permuteQk,
                        boolean qkvBias, boolean tiedEmbeddings, String hfDtype, boolean llama3RopeScaling,
                        float rmsEps, int contextLength, int paddingRows) {

    static final TinyLlamaVariant LLAMA = new TinyLlamaVariant("llama", "llama", "llama", true, false, false, "F32", false, 1e-5f, 128, 0);
    static final TinyLlamaVariant QWEN2 = new TinyLlamaVariant("qwen2", "qwen2", "qwen2", false, true, false, "F32", false, 1e-6f, 128, 0);
    static final TinyLlamaVariant TIED = new TinyLlamaVariant("llama-tied", "llama", "llama", true, false, true, "F32", false, 1e-5f, 128, 0);
    static final TinyLlamaVariant F16 = new TinyLlamaVariant("llama-f16", "llama", "llama", true, false, false, "F16", false, 1e-5f, 128, 0);
    static final TinyLlamaVariant BF16 = new TinyLlamaVariant("qwen2-bf16", "qwen2", "qwen2", false, true, false, "BF16", false, 1e-6f, 128, 0);
    /** A context of 64 with an original context of 32 puts the head's frequencies in all three bands. */
    static final TinyLlamaVariant LLAMA31 = new TinyLlamaVariant("llama3.1-rope", "llama", "llama", true, false, false, "F32", true, 1e-5f, 64, 0);

    /** Qwen2.5-0.5B's layout: tied embeddings and an embedding padded past the tokenizer. */
    static final TinyLlamaVariant QWEN25_PADDED = new TinyLlamaVariant("qwen2.5-padded", "qwen2", "qwen2", false, true, true, "BF16", false, 1e-6f, 128, 12);

    static final List<TinyLlamaVariant> ALL = List.of(LLAMA, QWEN2, TIED, F16, BF16, LLAMA31, QWEN25_PADDED);

    boolean llama3Tokenizer() {
        return "llama".equals(hfModelType);
    }

    TinyLlamaVariant withGgufArchitecture(String architecture) {
        return new TinyLlamaVariant(name + "-as-" + architecture, architecture, hfModelType, permuteQk, qkvBias,
                tiedEmbeddings, hfDtype, llama3RopeScaling, rmsEps, contextLength, paddingRows);
    }

    TinyLlamaVariant withoutQkPermutation() {
        return new TinyLlamaVariant(name + "-unpermuted", ggufArchitecture, hfModelType, false, qkvBias,
                tiedEmbeddings, hfDtype, llama3RopeScaling, rmsEps, contextLength, paddingRows);
    }

    @Override
    public String toString() {
        return name;
    }
}
