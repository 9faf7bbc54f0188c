package dev.sparkllm.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class StopStringMatcherTest {

    /** Feeds the chunks; returns everything emitted, with "|STOP:<s>" appended if a stop string hit. */
    private static String feed(List<String> stops, List<String> chunks) {
        StopStringMatcher m = new StopStringMatcher(stops);
        StringBuilder out = new StringBuilder();
        for (String chunk : chunks) {
            StopStringMatcher.Result r = m.append(chunk);
            out.append(r.emit());
            if (r.stopped()) return out + "|STOP:" + r.stopString();
        }
        return out.append(m.flush()).toString();
    }

    private static List<String> chars(String s) {
        List<String> out = new ArrayList<>();
        s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
        return out;
    }

    @Test
    void stopStringSplitAcrossManySmallChunks() {
        assertEquals("Hello |STOP:</answer>", feed(List.of("</answer>"), chars("Hello </answer> and more")));
        assertEquals("Hello |STOP:</answer>", feed(List.of("</answer>"), List.of("Hel", "lo <", "/ans", "wer", "> more")));
    }

    @Test
    void textThatCouldStartAStopStringIsHeldBackUntilDecided() {
        StopStringMatcher m = new StopStringMatcher(List.of("STOP"));
        assertEquals("abc ", m.append("abc ST").emit());
        assertEquals("ST", m.heldBack());
        assertEquals("STAR", m.append("AR").emit()); // "STAR" cannot become "STOP": released
        assertEquals("", m.append("S").emit());
        assertEquals("S", m.flush()); // generation ended without a stop: the tail is emitted
        assertFalse(m.stopped());
    }

    @Test
    void overlappingStopStrings() {
        assertEquals("a|STOP:aab", feed(List.of("aab"), chars("aaab")));
        assertEquals("x|STOP:ab", feed(List.of("ab", "abc"), chars("xabc")));
        // the stop that completes first wins, however the text is chunked
        assertEquals("a|STOP:bc", feed(List.of("bc", "abcd"), List.of("abcd")));
        assertEquals("a|STOP:bc", feed(List.of("bc", "abcd"), chars("abcd")));
        // same end: the longer one (starting earlier) wins
        assertEquals("x|STOP:abc", feed(List.of("bc", "abc"), List.of("xabcz")));
    }

    @Test
    void unicodeStopStrings() {
        assertEquals("你好|STOP:世界", feed(List.of("世界"), List.of("你好世", "界!")));
        assertEquals("ok |STOP:🛑", feed(List.of("🛑"), List.of("ok \uD83D", "\uDED1 rest")));
        assertEquals("Grüße 👋", feed(List.of("👋👋"), chars("Grüße 👋")));
    }

    @Test
    void neverEmitsHalfACharacter() {
        StopStringMatcher m = new StopStringMatcher(List.of("zz"));
        assertEquals("a", m.append("a\uD83D").emit());
        assertEquals("\uD83D\uDE00", m.append("\uDE00").emit());
    }

    @Test
    void afterAStopFurtherTextIsIgnored() {
        StopStringMatcher m = new StopStringMatcher(List.of("#"));
        assertTrue(m.append("a#b").stopped());
        assertEquals("", m.append("more").emit());
        assertEquals("", m.flush());
    }

    @Test
    void noStopStringsEmitsEverything() {
        assertEquals("anything at all", feed(List.of(), List.of("anything ", "at all")));
        assertThrows(IllegalArgumentException.class, () -> new StopStringMatcher(List.of("")));
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings().withChars("abc世🙂\n").ofMaxLength(40);
    }

    @Provide
    Arbitrary<List<String>> stops() {
        return Arbitraries.strings().withChars("abc世🙂").ofMinLength(1).ofMaxLength(4).list().ofMinSize(1).ofMaxSize(3);
    }

    /** Chunking never changes the result, and the result is: cut before the first stop string to complete. */
    @Property(tries = 500)
    void resultDoesNotDependOnChunking(@ForAll("text") String text, @ForAll("stops") List<String> stops,
                                       @ForAll @Size(max = 10) List<@IntRange(min = 1, max = 6) Integer> cuts) {
        List<String> chunks = new ArrayList<>();
        int at = 0;
        for (int cut : cuts) {
            if (at >= text.length()) break;
            int end = Math.min(text.length(), at + cut);
            chunks.add(text.substring(at, end));
            at = end;
        }
        if (at < text.length()) chunks.add(text.substring(at));
        assertEquals(reference(text, stops), feed(stops, chunks));
    }

    private static String reference(String text, List<String> stops) {
        for (int end = 1; end <= text.length(); end++) {
            String best = null;
            for (String s : stops) {
                if (end >= s.length() && text.startsWith(s, end - s.length()) && (best == null || s.length() > best.length())) {
                    best = s;
                }
            }
            if (best != null) return text.substring(0, end - best.length()) + "|STOP:" + best;
        }
        return text;
    }
}
