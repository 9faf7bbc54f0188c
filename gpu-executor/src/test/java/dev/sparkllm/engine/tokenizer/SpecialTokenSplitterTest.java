package dev.sparkllm.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SpecialTokenSplitterTest {
    private static final String[] TOKENS = {"<a>", "<a><b>", "<b>", "[u]", "x", "<unk>"};
    private static final int[] TYPES = {TokenType.CONTROL, TokenType.CONTROL, TokenType.CONTROL, TokenType.USER_DEFINED,
        TokenType.NORMAL, TokenType.UNKNOWN};
    private final SpecialTokenSplitter splitter = new SpecialTokenSplitter(new Vocabulary(
            new TokenizerSpec("gpt2", null, TOKENS, null, TYPES, new String[0], -1, -1, new int[0], 5, -1, false, false, false)));

    @Test
    void longestTokenWinsEvenWhenAShorterOneStartsEarlier() {
        assertEquals(List.of("T:x", "S1", "S2"), describe("x<a><b><b>", true));
    }

    @Test
    void textBetweenTokensStaysWhole() {
        assertEquals(List.of("T:ab", "S0", "T: c ", "S2", "T:d"), describe("ab<a> c <b>d", true));
        assertEquals(List.of("S0", "S0"), describe("<a><a>", true));
        assertEquals(List.of("T:<a", "S3", "T:>"), describe("<a[u]>", true));
    }

    @Test
    void withoutParseSpecialOnlyUserDefinedTokensAreCut() {
        assertEquals(List.of("T:<a>", "S3", "T:<unk>"), describe("<a>[u]<unk>", false));
        assertEquals(List.of("S0", "S3", "S5"), describe("<a>[u]<unk>", true));
    }

    @Test
    void emptyTextHasNoFragments() {
        assertEquals(List.of(), describe("", true));
    }

    private List<String> describe(String text, boolean parseSpecial) {
        return splitter.split(text, parseSpecial).stream()
                .map(f -> f.isText() ? "T:" + text.substring(f.start(), f.end()) : "S" + f.tokenId())
                .toList();
    }
}
