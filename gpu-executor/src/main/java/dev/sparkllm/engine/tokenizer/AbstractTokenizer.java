package dev.sparkllm.engine.tokenizer;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What all tokenizers share: cutting special tokens out first, adding BOS/EOS the way llama.cpp
 * does, and the vocabulary's ids. Subclasses supply the model that turns plain text into ids,
 * the bytes of each token and decoding.
 */
abstract class AbstractTokenizer implements Tokenizer {
    protected final TokenizerSpec spec;
    protected final Vocabulary vocab;
    private final SpecialTokenSplitter specialTokens;
    private final int[] eosIds;

    AbstractTokenizer(TokenizerSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        if (spec.tokens() == null || spec.tokens().length == 0) {
            throw new IllegalArgumentException("tokenizer spec has no tokens");
        }
        this.vocab = new Vocabulary(spec);
        this.specialTokens = new SpecialTokenSplitter(vocab);
        Set<Integer> ends = new LinkedHashSet<>();
        if (vocab.contains(spec.eosId())) {
            ends.add(spec.eosId());
        }
        if (spec.extraEosIds() != null) {
            for (int id : spec.extraEosIds()) {
                if (vocab.contains(id)) {
                    ends.add(id);
                }
            }
        }
        this.eosIds = ends.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Ids of one stretch of plain text (no special tokens in it).
     *
     * @param atStartOrAfterSpecial whether the stretch begins the input or follows a special token
     *                              (SentencePiece adds its dummy-prefix space only then)
     */
    protected abstract void encodeText(String text, int from, int to, boolean atStartOrAfterSpecial, IntList out);

    /**
     * {@inheritDoc}
     *
     * <p>{@code addBos} plays the part of llama.cpp's {@code add_special}: it also appends EOS when
     * the model asks for that ({@link TokenizerSpec#addEos()}, rare outside embedding models).
     */
    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        Objects.requireNonNull(text, "text");
        IntList out = new IntList(text.length() / 3 + 4);
        if (addBos && spec.addBos() && vocab.contains(spec.bosId())) {
            out.add(spec.bosId());
        }
        boolean afterSpecial = true;
        for (SpecialTokenSplitter.Fragment fragment : specialTokens.split(text, parseSpecial)) {
            if (fragment.isText()) {
                encodeText(text, fragment.start(), fragment.end(), afterSpecial, out);
                afterSpecial = false;
            } else {
                out.add(fragment.tokenId());
                afterSpecial = true;
            }
        }
        if (addBos && spec.addEos() && vocab.contains(spec.eosId())) {
            out.add(spec.eosId());
        }
        return out.toArray();
    }

    /** Throws the documented exception for an id outside the vocabulary. */
    protected final void checkId(int tokenId) {
        if (!vocab.contains(tokenId)) {
            throw new IllegalArgumentException("token id " + tokenId + " outside vocabulary of " + vocab.size());
        }
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public int bosId() {
        return spec.bosId();
    }

    @Override
    public int[] eosIds() {
        return eosIds.clone();
    }

    @Override
    public boolean isSpecial(int tokenId) {
        return vocab.contains(tokenId) && vocab.isSpecial(tokenId);
    }
}
