package dev.sparkllm.engine.tokenizer;

/**
 * GPT-2's split regex
 * {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+},
 * as a hand-written scanner. Written out rather than as a {@link java.util.regex.Pattern}
 * because it mirrors llama.cpp's own scanner ({@code unicode_regex_split_custom_gpt2}) step by
 * step, uses the Unicode 15.1 classes of {@link UnicodeCategories}, and does not allocate.
 */
final class Gpt2PreTokenizer implements PreTokenizer {
    static final Gpt2PreTokenizer INSTANCE = new Gpt2PreTokenizer();

    private Gpt2PreTokenizer() {
    }

    @Override
    public void split(int[] cps, int from, int to, IntList ends) {
        int pos = from;
        while (pos < to) {
            int end = pieceEnd(cps, pos, to);
            ends.add(end);
            pos = end;
        }
    }

    /** End of the piece that the regex matches at {@code pos} (the first alternative that matches). */
    private static int pieceEnd(int[] cps, int pos, int to) {
        int cp = cps[pos];
        // 's|'t|'re|'ve|'m|'ll|'d  (case-sensitive)
        if (cp == '\'' && pos + 1 < to) {
            int next = cps[pos + 1];
            if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                return pos + 2;
            }
            if (pos + 2 < to) {
                int nextNext = cps[pos + 2];
                if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e') || (next == 'l' && nextNext == 'l')) {
                    return pos + 3;
                }
            }
        }
        // " ?X+" alternatives: an optional single space, then a run of one class.
        int start = cp == ' ' ? pos + 1 : pos;
        if (start < to) {
            byte cls = runClass(cps[start]);
            if (cls != WHITESPACE) {
                int end = start + 1;
                while (end < to && runClass(cps[end]) == cls) {
                    end++;
                }
                return end;
            }
        }
        // \s+(?!\S) | \s+ : a whitespace run, leaving its last space to the next word when one follows.
        int end = pos;
        while (end < to && UnicodeCategories.isWhitespace(cps[end])) {
            end++;
        }
        if (end - pos > 1 && end < to) {
            return end - 1;
        }
        return end > pos ? end : pos + 1;
    }

    private static final byte WHITESPACE = 0;
    private static final byte LETTERS = 1;
    private static final byte NUMBERS = 2;
    private static final byte OTHERS = 3;

    /** Which of the regex's runs a codepoint belongs to: \s, \p{L}, \p{N} or [^\s\p{L}\p{N}]. */
    private static byte runClass(int cp) {
        if (UnicodeCategories.isWhitespace(cp)) {
            return WHITESPACE;
        }
        byte category = UnicodeCategories.category(cp);
        return category == UnicodeCategories.LETTER ? LETTERS : category == UnicodeCategories.NUMBER ? NUMBERS : OTHERS;
    }
}
