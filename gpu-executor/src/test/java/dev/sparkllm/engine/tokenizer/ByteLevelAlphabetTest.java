package dev.sparkllm.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ByteLevelAlphabetTest {
    @Test
    void everyByteHasItsOwnCharacterAndComesBack() {
        Set<Character> seen = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            char c = ByteLevelAlphabet.charOf(b);
            seen.add(c);
            assertEquals(b, ByteLevelAlphabet.byteOf(c));
        }
        assertEquals(256, seen.size());
    }

    @Test
    void matchesGpt2sTable() {
        assertEquals('Ġ', ByteLevelAlphabet.charOf(' '));
        assertEquals('Ċ', ByteLevelAlphabet.charOf('\n'));
        assertEquals('A', ByteLevelAlphabet.charOf('A'));
        assertEquals('Ā', ByteLevelAlphabet.charOf(0));
        assertEquals('ÿ', ByteLevelAlphabet.charOf(0xFF));
        assertEquals('Ń', ByteLevelAlphabet.charOf(0xAD));
        assertEquals('ł', ByteLevelAlphabet.charOf(0xA0));
    }

    @Test
    void decodesTokensAndRejectsNonAlphabetText() {
        assertArrayEquals(" hi".getBytes(), ByteLevelAlphabet.decode("Ġhi"));
        assertNull(ByteLevelAlphabet.decode("<|im_start|>\u2581"));
        assertEquals(-1, ByteLevelAlphabet.byteOf('\u2581'));
    }
}
