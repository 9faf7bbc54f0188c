package dev.sparkllm.engine.tokenizer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Our SmolLM2 tokenizer, built from the GGUF file, against the committed references
 * ({@code make_tokenizer_reference.py}): llama.cpp's ids and Hugging Face's with SmolLM2's own
 * pre-tokenizer. All mismatches are reported at once.
 */
class SmolLm2ReferenceTest {
    private static Tokenizer tokenizer;
    private static List<SmolLm2Fixture.Case> cases;

    @BeforeAll
    static void load() {
        tokenizer = Tokenizers.create(SmolLm2Fixture.ggufSpec());
        cases = SmolLm2Fixture.cases();
    }

    @Test
    void referenceSetIsLargeAndVaried() {
        assertTrue(cases.size() >= 300, "only " + cases.size() + " reference strings");
        assertTrue(cases.stream().anyMatch(SmolLm2Fixture.Case::parseSpecial), "no parse_special cases");
        assertTrue(cases.stream().anyMatch(c -> c.text().isEmpty()), "no empty string");
    }

    @Test
    void matchesLlamaCpp() {
        assertAllMatch("llama.cpp", SmolLm2Fixture.Case::idsLlamaCpp);
    }

    /** HF puts the unknown token where a byte has no token; llama.cpp and we drop the byte. */
    @Test
    void matchesHuggingFaceWithSmolLm2PreTokenizer() {
        MissingBytes missing = new MissingBytes(SmolLm2Fixture.ggufSpec());
        assertAllMatch("HF tokenizers (Digits + ByteLevel)", c -> missing.withoutUnknown(c.idsHfDigits(), c.text(), 0));
    }

    @Test
    void decodeGivesTheTextBack() {
        MissingBytes missing = new MissingBytes(SmolLm2Fixture.ggufSpec());
        List<String> failures = new ArrayList<>();
        for (SmolLm2Fixture.Case c : cases) {
            String decoded = tokenizer.decode(c.idsLlamaCpp());
            if (!decoded.equals(missing.roundTrip(c.text()))) {
                failures.add("line " + c.line() + ": " + SmolLm2Fixture.show(c.text()) + " decoded as " + SmolLm2Fixture.show(decoded));
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " decode mismatches:\n" + String.join("\n", failures));
        }
    }

    @Test
    void specialTokensAndEndsOfGeneration() {
        assertEquals(49152, tokenizer.vocabSize());
        assertEquals(1, tokenizer.bosId());
        int[] eos = tokenizer.eosIds();
        assertEquals(2, eos[0], "EOS first: " + Arrays.toString(eos));
        assertTrue(Arrays.stream(eos).anyMatch(id -> id == 0), "<|endoftext|> ends generation: " + Arrays.toString(eos));
        assertTrue(tokenizer.isSpecial(1));
        assertTrue(!tokenizer.isSpecial(100));
        assertEquals("<|im_start|>", new String(tokenizer.tokenBytes(1), java.nio.charset.StandardCharsets.UTF_8));
        // add_bos_token is false in this GGUF: addBos asks, the model declines.
        assertEquals(tokenizer.encode("hi", false, false).length, tokenizer.encode("hi", true, false).length);
    }

    private static void assertAllMatch(String reference, Function<SmolLm2Fixture.Case, int[]> expectedIds) {
        List<String> failures = new ArrayList<>();
        for (SmolLm2Fixture.Case c : cases) {
            int[] expected = expectedIds.apply(c);
            int[] actual = tokenizer.encode(c.text(), false, c.parseSpecial());
            if (!Arrays.equals(expected, actual)) {
                failures.add("line " + c.line() + " parseSpecial=" + c.parseSpecial() + " " + SmolLm2Fixture.show(c.text())
                        + "\n  expected " + Arrays.toString(expected) + "\n  actual   " + Arrays.toString(actual));
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cases.size() + " strings differ from " + reference + ":\n" + String.join("\n", failures));
        }
    }
}
