package dev.sparkllm.engine.tokenizer;

/**
 * The Llama 3 / Qwen 2 split regex
 * {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}
 * as a scanner that mirrors llama.cpp's {@code unicode_regex_split_custom_llama3}. Qwen 2 differs
 * only in taking digits one at a time ({@code \p{N}} instead of {@code \p{N}{1,3}}).
 */
final class Llama3PreTokenizer implements PreTokenizer {
    static final Llama3PreTokenizer LLAMA3 = new Llama3PreTokenizer(3);
    static final Llama3PreTokenizer QWEN2 = new Llama3PreTokenizer(1);

    private final int maxDigitRun;

    private Llama3PreTokenizer(int maxDigitRun) {
        this.maxDigitRun = maxDigitRun;
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

    private int pieceEnd(int[] cps, int pos, int to) {
        int cp = cps[pos];
        // (?i:'s|'t|'re|'ve|'m|'ll|'d): only ASCII letters lower-case to these, so ASCII folding is exact.
        if (cp == '\'' && pos + 1 < to) {
            int next = asciiLower(cps[pos + 1]);
            if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                return pos + 2;
            }
            if (pos + 2 < to) {
                int nextNext = asciiLower(cps[pos + 2]);
                if ((next == 'r' && nextNext == 'e') || (next == 'v' && nextNext == 'e') || (next == 'l' && nextNext == 'l')) {
                    return pos + 3;
                }
            }
        }
        boolean isNumber = UnicodeCategories.isNumber(cp);
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (!(cp == '\r' || cp == '\n' || isNumber)) {
            if (UnicodeCategories.isLetter(cp) || (pos + 1 < to && UnicodeCategories.isLetter(cps[pos + 1]))) {
                int end = pos + 1;
                while (end < to && UnicodeCategories.isLetter(cps[end])) {
                    end++;
                }
                return end;
            }
        }
        // \p{N}{1,maxDigitRun}
        if (isNumber) {
            int end = pos + 1;
            while (end < to && end - pos < maxDigitRun && UnicodeCategories.isNumber(cps[end])) {
                end++;
            }
            return end;
        }
        // " ?[^\s\p{L}\p{N}]+[\r\n]*"
        int start = cp == ' ' ? pos + 1 : pos;
        if (start < to && isOther(cps[start])) {
            int end = start + 1;
            while (end < to && isOther(cps[end])) {
                end++;
            }
            while (end < to && (cps[end] == '\r' || cps[end] == '\n')) {
                end++;
            }
            return end;
        }
        // \s*[\r\n]+ | \s+(?!\S) | \s+
        int end = pos;
        int afterLastNewline = -1;
        while (end < to && UnicodeCategories.isWhitespace(cps[end])) {
            if (cps[end] == '\r' || cps[end] == '\n') {
                afterLastNewline = end + 1;
            }
            end++;
        }
        if (afterLastNewline > 0) {
            return afterLastNewline;
        }
        if (end - pos > 1 && end < to) {
            return end - 1;
        }
        return end > pos ? end : pos + 1;
    }

    private static boolean isOther(int cp) {
        if (UnicodeCategories.isWhitespace(cp)) {
            return false;
        }
        byte category = UnicodeCategories.category(cp);
        return category != UnicodeCategories.LETTER && category != UnicodeCategories.NUMBER;
    }

    private static int asciiLower(int cp) {
        return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
    }
}
