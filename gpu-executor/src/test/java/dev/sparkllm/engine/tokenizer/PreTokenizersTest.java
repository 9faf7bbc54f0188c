package dev.sparkllm.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PreTokenizersTest {
    @Test
    void gpt2() {
        assertEquals(List.of("Hello", " world", "!"), split("gpt-2", "Hello world!"));
        assertEquals(List.of("I", "'m", " fine"), split("gpt-2", "I'm fine"));
        assertEquals(List.of("I", "'", "M"), split("gpt-2", "I'M"), "GPT-2's contractions are case-sensitive");
        assertEquals(List.of(" ", " a", "  "), split("gpt-2", "  a  "), "a space run leaves its last space to the word");
        assertEquals(List.of("\t", "!"), split("gpt-2", "\t!"));
        assertEquals(List.of(" 2024"), split("gpt-2", " 2024"));
        assertEquals(List.of("😀", " 😀"), split("gpt-2", "😀 😀"));
    }

    @Test
    void smolLmIsolatesDigitsFirst() {
        assertEquals(List.of(" ", "2", "0", "2", "4"), split("smollm", " 2024"));
        assertEquals(List.of("a", "1", "b"), split("smollm", "a1b"));
        assertEquals(List.of("x", "²"), split("smollm", "x²"));
    }

    @Test
    void llama3AndQwen2() {
        assertEquals(List.of("123", "45"), split("llama-bpe", "12345"));
        assertEquals(List.of("1", "2", "3"), split("qwen2", "123"));
        assertEquals(List.of("I", "'M"), split("llama-bpe", "I'M"), "case-insensitive contractions");
        assertEquals(List.of("\tword"), split("llama-bpe", "\tword"), "one non-letter may lead a word");
        assertEquals(List.of("a", "  \n", "b"), split("llama-bpe", "a  \nb"));
        assertEquals(List.of(" {\n"), split("llama-bpe", " {\n"), "punctuation takes the newlines after it");
    }

    @Test
    void llamaCppDefaultSplitsPunctuationRunsAndDigitTriples() {
        assertEquals(List.of("Hello", ",", " world", "!!"), split("default", "Hello, world!!"));
        assertEquals(List.of("123", "4"), split("default", "1234"));
    }

    @Test
    void carriedRegexSplitsWithMatchesAndGaps() {
        assertEquals(List.of("ab", " ", "cd"), split("regex:\\p{L}+", "ab cd"));
        assertEquals(List.of("ελ", "-🙂"), split("regex:\\p{L}+", "ελ-🙂"), "a gap between matches is one piece");
        assertEquals(List.of("Hello", "Worldß", "!"), split("regex:\\p{Lu}\\p{Ll}*", "HelloWorldß!"),
                "classes llama.cpp cannot collapse run on the real text");
    }

    @Test
    void collapsedTranslationMatchesLlamaCpp() {
        assertEquals("[\uE002A-Za-z]+", RegexPreTokenizer.translateCollapsible("\\p{L}+"));
        assertEquals("[^\\s\uE002A-Za-z]", RegexPreTokenizer.translateCollapsible("[^\\s\\p{L}]"));
        assertNull(RegexPreTokenizer.translateCollapsible("\\p{Lu}+"));
        assertNull(RegexPreTokenizer.translateCollapsible("[a-z]+"));
    }

    @Test
    void unknownNameIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> PreTokenizers.forName("no-such-model"));
    }

    private static List<String> split(String name, String text) {
        int[] cps = text.codePoints().toArray();
        IntList ends = new IntList(8);
        PreTokenizers.forName(name).split(cps, 0, cps.length, ends);
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < ends.size(); i++) {
            pieces.add(new String(cps, start, ends.get(i) - start));
            start = ends.get(i);
        }
        return pieces;
    }
}
