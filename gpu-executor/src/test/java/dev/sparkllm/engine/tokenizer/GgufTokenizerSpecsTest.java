package dev.sparkllm.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GgufTokenizerSpecsTest {
    @Test
    void readsSmolLm2() {
        TokenizerSpec spec = SmolLm2Fixture.ggufSpec();
        assertEquals("gpt2", spec.model());
        assertEquals("smollm", spec.preTokenizer());
        assertEquals(49152, spec.tokens().length);
        assertEquals(49152, spec.tokenTypes().length);
        assertEquals(48900, spec.merges().length);
        assertEquals("Ġ t", spec.merges()[0]);
        assertNull(spec.scores());
        assertEquals(1, spec.bosId());
        assertEquals(2, spec.eosId());
        assertEquals(0, spec.unknownId());
        assertEquals(2, spec.paddingId());
        assertFalse(spec.addBos());
        assertFalse(spec.addEos());
        assertFalse(spec.addSpacePrefix());
        // <|endoftext|> (0) ends generation too; EOS itself is not repeated among the extras.
        assertArrayEquals(new int[] {0}, spec.extraEosIds());
    }

    @Test
    void tokenizersRejectWhatTheyCannotBuild() {
        TokenizerSpec smol = SmolLm2Fixture.ggufSpec();
        assertThrows(IllegalArgumentException.class, () -> Tokenizers.create(new TokenizerSpec("bert", null, smol.tokens(),
                null, null, null, -1, -1, new int[0], -1, -1, false, false, false)));
        assertThrows(IllegalArgumentException.class, () -> Tokenizers.create(new TokenizerSpec("gpt2", "klingon", smol.tokens(),
                null, null, smol.merges(), -1, -1, new int[0], -1, -1, false, false, false)));
        assertThrows(IllegalArgumentException.class, () -> Tokenizers.create(new TokenizerSpec("gpt2", "gpt-2", smol.tokens(),
                null, null, null, -1, -1, new int[0], -1, -1, false, false, false)));
        Tokenizer tokenizer = Tokenizers.create(smol);
        assertThrows(IllegalArgumentException.class, () -> tokenizer.tokenBytes(49152));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {-1}));
        assertTrue(Arrays.equals(new int[0], tokenizer.encode("", true, true)));
    }

    private static void assertArrayEquals(int[] expected, int[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, Arrays.toString(actual));
    }
}
