package dev.sparkllm.engine.tokenizer;

/** GGUF's token types ({@code tokenizer.ggml.token_type}), the same numbers as llama.cpp's. */
final class TokenType {
    static final int UNDEFINED = 0;
    static final int NORMAL = 1;
    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int UNUSED = 5;
    static final int BYTE = 6;

    private TokenType() {
    }

    /**
     * Types of a spec's tokens; when the spec has none, the tokens it names as BOS, EOS, padding or
     * end-of-generation are control tokens, the unknown token is unknown and the rest are normal.
     */
    static int[] of(TokenizerSpec spec) {
        int n = spec.tokens().length;
        if (spec.tokenTypes() != null) {
            if (spec.tokenTypes().length != n) {
                throw new IllegalArgumentException("token types: " + spec.tokenTypes().length + " for " + n + " tokens");
            }
            return spec.tokenTypes().clone();
        }
        int[] types = new int[n];
        java.util.Arrays.fill(types, NORMAL);
        markControl(types, spec.bosId());
        markControl(types, spec.eosId());
        markControl(types, spec.paddingId());
        if (spec.extraEosIds() != null) {
            for (int id : spec.extraEosIds()) {
                markControl(types, id);
            }
        }
        if (spec.unknownId() >= 0 && spec.unknownId() < n) {
            types[spec.unknownId()] = UNKNOWN;
        }
        return types;
    }

    private static void markControl(int[] types, int id) {
        if (id >= 0 && id < types.length) {
            types[id] = CONTROL;
        }
    }
}
