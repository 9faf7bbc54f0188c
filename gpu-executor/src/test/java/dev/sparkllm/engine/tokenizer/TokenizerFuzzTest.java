package dev.sparkllm.engine.tokenizer;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Fuzzes SmolLM2's tokenizer with arbitrary strings (lone surrogates included) and arbitrary id
 * sequences. Documented behaviour checked:
 * <ul>
 *   <li>encode never throws for a non-null string, and only returns ids in the vocabulary;</li>
 *   <li>decode(encode(s)) gives s back (lone surrogates as U+FFFD, bytes SmolLM2 has no token for
 *       dropped, see {@link MissingBytes}), whether special tokens are parsed or not;</li>
 *   <li>streaming the token bytes through {@link Utf8StreamDecoder} gives the same text;</li>
 *   <li>decode throws IllegalArgumentException, and nothing else, for an id outside the vocabulary.</li>
 * </ul>
 * In a normal test run this replays the inputs in {@code TokenizerFuzzTestInputs/encodeDecode};
 * with JAZZER_FUZZ=1 it fuzzes.
 */
class TokenizerFuzzTest {
    private static final Tokenizer TOKENIZER = Tokenizers.create(SmolLm2Fixture.ggufSpec());
    private static final MissingBytes MISSING = new MissingBytes(SmolLm2Fixture.ggufSpec());

    @FuzzTest(maxDuration = "60s")
    void encodeDecode(FuzzedDataProvider data) {
        boolean parseSpecial = data.consumeBoolean();
        int[] extraIds = data.consumeInts(data.consumeInt(0, 8));
        String text = data.consumeRemainingAsString();

        int[] ids = TOKENIZER.encode(text, false, parseSpecial);
        Utf8StreamDecoder stream = new Utf8StreamDecoder();
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
            if (id < 0 || id >= TOKENIZER.vocabSize()) {
                throw new AssertionError("id " + id + " outside the vocabulary");
            }
            streamed.append(stream.feed(TOKENIZER.tokenBytes(id)));
        }
        streamed.append(stream.flush());
        String decoded = TOKENIZER.decode(ids);
        assertEquals(MISSING.roundTrip(text), decoded);
        assertEquals(decoded, streamed.toString());

        for (int id : extraIds) {
            if (id >= 0 && id < TOKENIZER.vocabSize()) {
                TOKENIZER.decode(new int[] {id});
            } else {
                assertThrows(IllegalArgumentException.class, () -> TOKENIZER.decode(new int[] {id}));
            }
        }
    }
}
