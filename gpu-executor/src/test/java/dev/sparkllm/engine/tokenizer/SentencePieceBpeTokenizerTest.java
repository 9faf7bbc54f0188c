package dev.sparkllm.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SentencePieceBpeTokenizerTest {
    private final Tokenizer tokenizer = TinySentencePiece.TOKENIZER;

    @Test
    void mergesByScoreWithTheDummyPrefix() {
        assertArrayEquals(ids("▁hello", "▁world"), tokenizer.encode("hello world", false, false));
        assertArrayEquals(ids("▁", "▁hello"), tokenizer.encode(" hello", false, false), "▁hello scores above ▁▁");
        assertArrayEquals(ids("▁▁", "▁▁", "a"), tokenizer.encode("   a", false, false), "equal scores: leftmost first");
    }

    @Test
    void unknownCharactersFallBackToBytes() {
        assertArrayEquals(ids("▁", "<0xC3>", "<0xB6>"), tokenizer.encode("ö", false, false));
        assertEquals("ö", tokenizer.decode(tokenizer.encode("ö", false, false)));
    }

    @Test
    void withoutByteTokensUnknownCharactersBecomeTheUnknownToken() {
        TokenizerSpec spec = new TokenizerSpec("llama", null, new String[] {"<unk>", "▁", "a"}, new float[] {0, -1, -2},
                new int[] {TokenType.UNKNOWN, TokenType.NORMAL, TokenType.NORMAL}, null, -1, -1, new int[0], 0, -1,
                false, false, true);
        assertArrayEquals(new int[] {1, 2, 0, 2}, Tokenizers.create(spec).encode("aöa", false, false));
    }

    @Test
    void bosAndTheSpacePrefixAfterSpecialTokens() {
        int[] ids = tokenizer.encode("hello</s>hello", true, true);
        assertArrayEquals(concat(new int[] {1}, ids("▁hello"), new int[] {2}, ids("▁hello")), ids);
        assertEquals("<s>hello</s>hello", tokenizer.decode(ids));
    }

    @Test
    void controlTokenTextIsNotMergedFromPlainText() {
        int[] ids = tokenizer.encode("</s>", false, false);
        assertEquals(false, Arrays.stream(ids).anyMatch(id -> id == 2));
        assertEquals("</s>", tokenizer.decode(ids));
    }

    @Test
    void tokenBytes() {
        assertArrayEquals(" hello".getBytes(), tokenizer.tokenBytes(TinySentencePiece.id("▁hello")));
        assertArrayEquals(new byte[] {(byte) 0xC3}, tokenizer.tokenBytes(TinySentencePiece.id("<0xC3>")));
        assertArrayEquals("</s>".getBytes(), tokenizer.tokenBytes(2));
    }

    private static int[] ids(String... pieces) {
        return Arrays.stream(pieces).mapToInt(TinySentencePiece::id).toArray();
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
