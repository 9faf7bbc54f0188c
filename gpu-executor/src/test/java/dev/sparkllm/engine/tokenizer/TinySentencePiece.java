package dev.sparkllm.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A hand-made SentencePiece vocabulary: control tokens, the 256 byte tokens, single characters and
 * a few merged pieces with scores, enough to exercise merging, byte fallback and the dummy prefix.
 */
final class TinySentencePiece {
    static final TokenizerSpec SPEC = spec();
    static final Tokenizer TOKENIZER = Tokenizers.create(SPEC);

    private TinySentencePiece() {
    }

    private static TokenizerSpec spec() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        List<Integer> types = new ArrayList<>(List.of(TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            scores.add(0f);
            types.add(TokenType.BYTE);
        }
        String[] pieces = {"▁", "h", "e", "l", "o", "w", "r", "d", "a", "b", "c", "é",
            "he", "ll", "hell", "hello", "▁hello", "▁w", "or", "▁wor", "ld", "▁world", "ab", "abc", "▁▁"};
        for (int i = 0; i < pieces.length; i++) {
            tokens.add(pieces[i]);
            scores.add(pieces[i].length() == 1 ? -1000f - i : -i); // longer pieces built in listed order
            types.add(TokenType.NORMAL);
        }
        float[] scoreArray = new float[scores.size()];
        for (int i = 0; i < scoreArray.length; i++) {
            scoreArray[i] = scores.get(i);
        }
        return new TokenizerSpec("llama", null, tokens.toArray(String[]::new), scoreArray,
                types.stream().mapToInt(Integer::intValue).toArray(), null, 1, 2, new int[0], 0, -1, true, false, true);
    }

    static int id(String piece) {
        return List.of(SPEC.tokens()).indexOf(piece);
    }
}
