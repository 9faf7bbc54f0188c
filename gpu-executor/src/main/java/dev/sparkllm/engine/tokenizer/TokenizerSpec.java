package dev.sparkllm.engine.tokenizer;

/**
 * Everything needed to build a tokenizer, independent of where it came from (GGUF metadata or
 * Hugging Face {@code tokenizer.json}).
 *
 * @param model        "gpt2" (byte-level BPE) or "llama" (SentencePiece BPE), GGUF's tokenizer.ggml.model
 * @param preTokenizer GGUF's tokenizer.ggml.pre ("smollm", "llama-bpe", "qwen2", "gpt-2", "default"...), may be null
 * @param tokens       token strings, index = id
 * @param scores       SentencePiece scores (may be null for BPE)
 * @param tokenTypes   GGUF token types (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte), may be null
 * @param merges       BPE merges as "a b" strings, in rank order (may be null for SentencePiece)
 * @param bosId        BOS id or -1
 * @param eosId        EOS id or -1
 * @param extraEosIds  further ids that end generation (EOT, EOM...), may be empty
 * @param unknownId    unknown-token id or -1
 * @param paddingId    padding id or -1
 * @param addBos       whether the model wants BOS prepended
 * @param addEos       whether the model wants EOS appended
 * @param addSpacePrefix SentencePiece: prepend a space (the dummy prefix) to the text
 */
public record TokenizerSpec(
        String model,
        String preTokenizer,
        String[] tokens,
        float[] scores,
        int[] tokenTypes,
        String[] merges,
        int bosId,
        int eosId,
        int[] extraEosIds,
        int unknownId,
        int paddingId,
        boolean addBos,
        boolean addEos,
        boolean addSpacePrefix) {
}
