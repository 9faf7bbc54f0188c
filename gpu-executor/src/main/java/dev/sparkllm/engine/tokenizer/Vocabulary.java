package dev.sparkllm.engine.tokenizer;

import java.util.HashMap;
import java.util.Map;

/** Token strings by id and ids by string, with each token's GGUF type. */
final class Vocabulary {
    private final String[] tokens;
    private final int[] types;
    private final Map<String, Integer> ids;

    Vocabulary(TokenizerSpec spec) {
        this.tokens = spec.tokens().clone();
        this.types = TokenType.of(spec);
        this.ids = new HashMap<>(tokens.length * 2);
        // A string listed twice maps to its last id, as in llama.cpp (HF vocabularies have no duplicates).
        for (int id = 0; id < tokens.length; id++) {
            if (tokens[id] != null) {
                ids.put(tokens[id], id);
            }
        }
    }

    int size() {
        return tokens.length;
    }

    String token(int id) {
        return tokens[id];
    }

    int type(int id) {
        return types[id];
    }

    /** The id of a token string, or -1. */
    int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    boolean contains(int id) {
        return id >= 0 && id < tokens.length;
    }

    /** Control, user-defined and unknown tokens are matched in text before the BPE model runs. */
    boolean isSplitOut(int id) {
        int t = types[id];
        return t == TokenType.CONTROL || t == TokenType.USER_DEFINED || t == TokenType.UNKNOWN;
    }

    boolean isSpecial(int id) {
        int t = types[id];
        return t == TokenType.CONTROL || t == TokenType.USER_DEFINED;
    }
}
