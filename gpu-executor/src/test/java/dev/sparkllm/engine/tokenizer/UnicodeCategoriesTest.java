package dev.sparkllm.engine.tokenizer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnicodeCategoriesTest {
    @Test
    void knowsLettersNewerThanJava17() {
        // Unicode 15.0 Nag Mundari and 15.1 CJK Extension I: letters to llama.cpp, unassigned to Java 17.
        assertTrue(UnicodeCategories.isLetter(0x1E4D0));
        assertTrue(UnicodeCategories.isLetter(0x2EBF0));
        assertEquals(Character.UNASSIGNED, Character.getType(0x2EBF0));
        // Unicode 16 (U+1C89) is past llama.cpp's table: unassigned.
        assertEquals(UnicodeCategories.UNASSIGNED, UnicodeCategories.category(0x1C89));
    }

    @Test
    void classifiesCommonCharacters() {
        assertTrue(UnicodeCategories.isLetter('a'));
        assertTrue(UnicodeCategories.isLetter('中'));
        assertTrue(UnicodeCategories.isNumber('7'));
        assertTrue(UnicodeCategories.isNumber('½'));
        assertTrue(UnicodeCategories.isNumber(0x0663)); // Arabic-Indic three
        assertEquals(UnicodeCategories.PUNCTUATION, UnicodeCategories.category('!'));
        assertEquals(UnicodeCategories.SYMBOL, UnicodeCategories.category(0x1F600));
        assertEquals(UnicodeCategories.MARK, UnicodeCategories.category(0x0301));
        assertEquals(UnicodeCategories.UNASSIGNED, UnicodeCategories.category(0x40000));
        assertEquals(UnicodeCategories.UNASSIGNED, UnicodeCategories.category(-1));
    }

    @Test
    void whitespaceIsTheWhiteSpaceProperty() {
        for (int cp : new int[] {' ', '\t', '\n', '\r', 0x0B, 0x0C, 0x85, 0xA0, 0x1680, 0x2000, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000}) {
            assertTrue(UnicodeCategories.isWhitespace(cp), Integer.toHexString(cp));
        }
        for (int cp : new int[] {'a', 0x200B, 0xFEFF, 0x180E, 0x1F600, -1}) {
            assertFalse(UnicodeCategories.isWhitespace(cp), Integer.toHexString(cp));
        }
    }
}
