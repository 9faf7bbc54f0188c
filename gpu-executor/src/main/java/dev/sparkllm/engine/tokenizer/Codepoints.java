package dev.sparkllm.engine.tokenizer;

/** Codepoint helpers shared by the tokenizers. */
final class Codepoints {
    static final int REPLACEMENT_CHARACTER = 0xFFFD;

    private Codepoints() {
    }

    /**
     * The codepoints of {@code text[from, to)}. A lone surrogate (a Java string need not be valid
     * UTF-16) becomes U+FFFD, which is what encoding it as UTF-8 would give too, so that every
     * string can be tokenized.
     */
    static int[] of(String text, int from, int to) {
        int[] cps = new int[to - from];
        int n = 0;
        int i = from;
        while (i < to) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                cps[n++] = Character.toCodePoint(c, text.charAt(i + 1));
                i += 2;
            } else {
                cps[n++] = Character.isSurrogate(c) ? REPLACEMENT_CHARACTER : c;
                i++;
            }
        }
        return n == cps.length ? cps : java.util.Arrays.copyOf(cps, n);
    }

    /** UTF-8 of a string, with lone surrogates as U+FFFD (String.getBytes would write '?'). */
    static byte[] utf8(String text) {
        int[] cps = of(text, 0, text.length());
        byte[] out = new byte[4 * cps.length];
        int n = 0;
        for (int cp : cps) {
            n = appendUtf8(cp, out, n);
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Appends the UTF-8 bytes of a codepoint to {@code out} at {@code pos}; returns the new position. */
    static int appendUtf8(int cp, byte[] out, int pos) {
        if (cp < 0x80) {
            out[pos++] = (byte) cp;
        } else if (cp < 0x800) {
            out[pos++] = (byte) (0xC0 | (cp >> 6));
            out[pos++] = (byte) (0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[pos++] = (byte) (0xE0 | (cp >> 12));
            out[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            out[pos++] = (byte) (0x80 | (cp & 0x3F));
        } else {
            out[pos++] = (byte) (0xF0 | (cp >> 18));
            out[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            out[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            out[pos++] = (byte) (0x80 | (cp & 0x3F));
        }
        return pos;
    }
}
