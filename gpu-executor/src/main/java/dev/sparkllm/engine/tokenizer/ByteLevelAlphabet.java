package dev.sparkllm.engine.tokenizer;

import java.util.Arrays;

/**
 * GPT-2's reversible byte ↔ printable-character mapping ({@code bytes_to_unicode}): byte-level BPE
 * vocabularies store every token as a string of these characters, one per UTF-8 byte, so that
 * spaces and control bytes are visible ("Ġ" is the space byte 0x20, "Ċ" is '\n').
 */
final class ByteLevelAlphabet {
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Indexed by character; -1 for characters that are not in the alphabet. */
    private static final short[] CHAR_TO_BYTE = new short[0x200];

    static {
        Arrays.fill(CHAR_TO_BYTE, (short) -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            // Printable Latin-1 bytes stand for themselves; the rest are shifted above 0xFF.
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = (short) b;
        }
    }

    private ByteLevelAlphabet() {
    }

    static char charOf(int unsignedByte) {
        return BYTE_TO_CHAR[unsignedByte];
    }

    /** The byte a character stands for, or -1 when the character is not in the alphabet. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The alphabet string of some bytes. */
    static String encode(byte[] bytes, int from, int to) {
        char[] chars = new char[to - from];
        for (int i = from; i < to; i++) {
            chars[i - from] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    /**
     * The bytes an alphabet string stands for, or null when some character is outside the
     * alphabet (such a token is not a byte-level token, e.g. a special token's plain text).
     */
    static byte[] decode(String token) {
        byte[] bytes = new byte[token.length()];
        for (int i = 0; i < bytes.length; i++) {
            int b = byteOf(token.charAt(i));
            if (b < 0) {
                return null;
            }
            bytes[i] = (byte) b;
        }
        return bytes;
    }
}
