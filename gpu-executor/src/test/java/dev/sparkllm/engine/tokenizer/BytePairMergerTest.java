package dev.sparkllm.engine.tokenizer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BytePairMergerTest {
    //                                      0    1    2     3      4     5
    private static final String[] TOKENS = {"a", "b", "aa", "ab", "aab", "aaaa"};
    private final Vocabulary vocab = new Vocabulary(
            new TokenizerSpec("gpt2", null, TOKENS, null, null, new String[0], -1, -1, new int[0], -1, -1, false, false, false));

    @Test
    void lowestRankFirstThenLeftmost() {
        MergeTable merges = new MergeTable(new String[] {"a a", "a b", "aa b", "aa aa"}, vocab);
        assertArrayEquals(new int[] {2, 0}, merge(merges, 0, 0, 0), "aaa: the leftmost pair merges first");
        assertArrayEquals(new int[] {5}, merge(merges, 0, 0, 0, 0));
        assertArrayEquals(new int[] {4}, merge(merges, 0, 0, 1), "a a b: 'a a' (rank 0) before 'a b', then 'aa b'");
        assertArrayEquals(new int[] {3, 3}, merge(merges, 0, 1, 0, 1));
    }

    @Test
    void rulesWithoutTokensAreDroppedAndDuplicatesKeepTheFirstRank() {
        MergeTable merges = new MergeTable(new String[] {"b b", "a b", "a b"}, vocab);
        assertEquals(1, merges.size());
        assertEquals(1, merges.rankAt(merges.find(0, 1)));
        assertEquals(-1, merges.find(1, 1));
    }

    @Test
    void symbolsWithoutATokenAreDropped() {
        MergeTable merges = new MergeTable(new String[] {"a b"}, vocab);
        assertArrayEquals(new int[] {0, 3}, merge(merges, 0, -1, 0, 1));
    }

    private static int[] merge(MergeTable merges, int... symbols) {
        IntList out = new IntList(4);
        new BytePairMerger(merges).merge(symbols.clone(), symbols.length, out);
        return out.toArray();
    }
}
