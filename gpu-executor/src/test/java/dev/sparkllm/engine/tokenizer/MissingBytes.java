package dev.sparkllm.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Bytes that a byte-level vocabulary has no token for (SmolLM2 lacks 0x04, 0x06, 0x13, 0x14, 0x16,
 * 0x1D, 0xF1, 0xF2 and the never-valid UTF-8 bytes). llama.cpp, and so our tokenizer, drops such a
 * byte; Hugging Face emits the unknown token instead. Tests use this to state both behaviours.
 */
final class MissingBytes {
    private final boolean[] missing = new boolean[256];

    MissingBytes(TokenizerSpec spec) {
        Set<String> tokens = new HashSet<>(Arrays.asList(spec.tokens()));
        for (int b = 0; b < 256; b++) {
            missing[b] = !tokens.contains(String.valueOf(ByteLevelAlphabet.charOf(b)));
        }
    }

    boolean anyIn(String text) {
        for (byte b : Codepoints.utf8(text)) {
            if (missing[b & 0xFF]) {
                return true;
            }
        }
        return false;
    }

    /** What decode(encode(text)) gives: the text's UTF-8 without the missing bytes. */
    String roundTrip(String text) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        for (byte b : Codepoints.utf8(text)) {
            if (!missing[b & 0xFF]) {
                kept.write(b);
            }
        }
        return kept.toString(StandardCharsets.UTF_8);
    }

    /** Hugging Face's ids for a text with missing bytes, less the unknown tokens it put in their place. */
    int[] withoutUnknown(int[] hfIds, String text, int unknownId) {
        return anyIn(text) ? Arrays.stream(hfIds).filter(id -> id != unknownId).toArray() : hfIds;
    }
}
