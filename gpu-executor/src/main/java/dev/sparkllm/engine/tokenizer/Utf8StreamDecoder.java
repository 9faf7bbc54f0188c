package dev.sparkllm.engine.tokenizer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns token bytes fed one token at a time into text, emitting only whole characters: a UTF-8
 * character split across tokens (common for emoji and CJK in byte-level BPE) is held back until
 * its last byte arrives. Concatenating everything {@link #feed} and {@link #flush} return gives
 * exactly {@code new String(allBytes, UTF_8)}, so streamed output and stop-string checks see the
 * same text as a one-shot {@link Tokenizer#decode}. Invalid bytes become U+FFFD.
 *
 * <p>Not thread-safe: one decoder per generated sequence.
 */
public final class Utf8StreamDecoder {
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** Bytes of a character whose end has not arrived yet (at most 3). */
    private ByteBuffer pending = ByteBuffer.allocate(16);

    /** The text completed by these bytes; empty while a character is still incomplete. */
    public String feed(byte[] bytes) {
        return feed(bytes, 0, bytes.length);
    }

    public String feed(byte[] bytes, int offset, int length) {
        ByteBuffer in = withPending(bytes, offset, length);
        CharBuffer out = CharBuffer.allocate(in.remaining() + 2);
        CoderResult result = decoder.decode(in, out, false);
        if (result.isOverflow()) {
            throw new IllegalStateException("UTF-8 decoder overflow"); // cannot happen: chars <= bytes
        }
        keepRemaining(in);
        return out.flip().toString();
    }

    /** Ends the stream: bytes of a character that never completed become U+FFFD. */
    public String flush() {
        ByteBuffer in = pending.flip();
        CharBuffer out = CharBuffer.allocate(in.remaining() + 2);
        decoder.decode(in, out, true);
        decoder.flush(out);
        decoder.reset();
        pending = ByteBuffer.allocate(16);
        return out.flip().toString();
    }

    /** How many bytes are waiting for the rest of their character. */
    public int pendingBytes() {
        return pending.position();
    }

    private ByteBuffer withPending(byte[] bytes, int offset, int length) {
        if (pending.position() == 0) {
            return ByteBuffer.wrap(bytes, offset, length);
        }
        ByteBuffer joined = ByteBuffer.allocate(pending.position() + length);
        joined.put(pending.flip()).put(bytes, offset, length).flip();
        pending.clear();
        return joined;
    }

    private void keepRemaining(ByteBuffer in) {
        pending.clear();
        if (in.remaining() > pending.capacity()) {
            pending = ByteBuffer.allocate(in.remaining());
        }
        pending.put(in);
    }
}
