package dev.sparkllm.engine.tokenizer;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Utf8StreamDecoderTest {
    @Test
    void holdsBackASplitCharacterUntilItsLastByte() {
        byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8);
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();
        assertEquals("a", decoder.feed(new byte[] {'a', emoji[0]}));
        assertEquals("", decoder.feed(new byte[] {emoji[1], emoji[2]}));
        assertEquals(3, decoder.pendingBytes());
        assertEquals("😀b", decoder.feed(new byte[] {emoji[3], 'b'}));
        assertEquals("", decoder.flush());
    }

    @Test
    void flushTurnsAnUnfinishedCharacterIntoAReplacement() {
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();
        assertEquals("x", decoder.feed(new byte[] {'x', (byte) 0xE4, (byte) 0xB8}));
        assertEquals("\uFFFD", decoder.flush());
        assertEquals("y", decoder.feed(new byte[] {'y'}), "usable again after flush");
    }

    @Test
    void streamsSmolLm2TokensOfSplitCharactersExactlyAsOneShotDecode() {
        Tokenizer tokenizer = Tokenizers.create(SmolLm2Fixture.ggufSpec());
        for (String text : List.of("👨‍👩‍👧‍👦 família 中文 ﷽", "\uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08 ok")) {
            int[] ids = tokenizer.encode(text, false, false);
            Utf8StreamDecoder decoder = new Utf8StreamDecoder();
            StringBuilder streamed = new StringBuilder();
            for (int id : ids) {
                streamed.append(decoder.feed(tokenizer.tokenBytes(id)));
            }
            streamed.append(decoder.flush());
            assertEquals(tokenizer.decode(ids), streamed.toString());
            assertEquals(text, streamed.toString());
        }
    }

    /** Any bytes, cut anywhere: the streamed text is the one-shot decode (invalid bytes included). */
    @Property(tries = 500)
    void streamingEqualsOneShotDecoding(@ForAll @Size(max = 64) byte[] bytes, @ForAll @Size(max = 8) int[] cuts) {
        int[] points = Arrays.stream(cuts).map(c -> Math.floorMod(c, bytes.length + 1)).sorted().toArray();
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();
        StringBuilder streamed = new StringBuilder();
        int from = 0;
        for (int cut : points) {
            streamed.append(decoder.feed(bytes, from, cut - from));
            from = cut;
        }
        streamed.append(decoder.feed(bytes, from, bytes.length - from)).append(decoder.flush());
        assertEquals(new String(bytes, StandardCharsets.UTF_8), streamed.toString());
    }
}
