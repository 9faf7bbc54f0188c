package dev.sparkllm.engine.tokenizer;

/** Text to token ids and back, with the model's special-token and BOS/EOS rules. */
public interface Tokenizer {
    /**
     * Token ids of {@code text}. When {@code parseSpecial} is true, special-token strings in the
     * text (such as {@code <|im_start|>}) become their ids; otherwise they are tokenized as text.
     * BOS is prepended when {@code addBos} is true and the model says it wants one.
     */
    int[] encode(String text, boolean addBos, boolean parseSpecial);

    /** Bytes of one token (byte-level tokens may be partial UTF-8). Special tokens give their text. */
    byte[] tokenBytes(int tokenId);

    /** Text of a whole token sequence; UTF-8 split across tokens is joined correctly. */
    String decode(int[] tokenIds);

    int vocabSize();
    int bosId();
    /** The end-of-sequence ids: generation stops at any of them (EOS, EOT, im_end...). */
    int[] eosIds();
    boolean isSpecial(int tokenId);
}
