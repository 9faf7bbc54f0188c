package dev.sparkllm.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * About 1 MB of mixed text (prose, code, many scripts, emoji, numbers: the reference strings
 * repeated) must tokenize well under a second; the bound asserted is loose so a busy CI machine
 * does not fail it, and the measured time is printed.
 */
class TokenizerThroughputTest {
    private static final int TARGET_CHARS = 1 << 20;

    @Test
    void oneMegabyteTokenizesQuickly() {
        Tokenizer tokenizer = Tokenizers.create(SmolLm2Fixture.ggufSpec());
        List<SmolLm2Fixture.Case> cases = SmolLm2Fixture.cases();
        StringBuilder sb = new StringBuilder(TARGET_CHARS + 4096);
        for (int i = 0; sb.length() < TARGET_CHARS; i++) {
            sb.append(cases.get(i % cases.size()).text()).append(i % 7 == 0 ? "\n\n" : " ");
        }
        String text = sb.toString();
        for (int warmUp = 0; warmUp < 2; warmUp++) {
            tokenizer.encode(text, false, true); // let the JIT compile the hot loops
        }

        long best = Long.MAX_VALUE;
        int[] ids = null;
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            ids = tokenizer.encode(text, false, true);
            best = Math.min(best, System.nanoTime() - start);
        }
        double seconds = best / 1e9;
        System.out.printf("tokenized %d chars into %d tokens in %.3f s (%.1f MB/s)%n",
                text.length(), ids.length, seconds, text.length() / 1e6 / seconds);
        assertEquals(new MissingBytes(SmolLm2Fixture.ggufSpec()).roundTrip(text), tokenizer.decode(ids));
        assertTrue(seconds < 3.0, "1 MB took " + seconds + " s");
    }
}
