package dev.sparkllm.engine.cuda;

import dev.sparkllm.engine.tokenizer.Tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * The tokenizer of a model with made-up weights: token i reads as "&lt;i&gt;". It cannot encode
 * text, so such a model takes token-id prompts only; it has no EOS, so generation runs to
 * max_tokens.
 */
public final class NumberedTokenizer implements Tokenizer {
    private final int vocab;

    public NumberedTokenizer(int vocab) { this.vocab = vocab; }

    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        throw new UnsupportedOperationException("a model with random weights takes token-id prompts only");
    }

    @Override
    public byte[] tokenBytes(int tokenId) {
        return ("<" + tokenId + ">").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String decode(int[] tokenIds) {
        StringBuilder b = new StringBuilder();
        for (int id : tokenIds) b.append('<').append(id).append('>');
        return b.toString();
    }

    @Override public int vocabSize() { return vocab; }
    @Override public int bosId() { return -1; }
    @Override public int[] eosIds() { return new int[0]; }
    @Override public boolean isSpecial(int tokenId) { return false; }
}
