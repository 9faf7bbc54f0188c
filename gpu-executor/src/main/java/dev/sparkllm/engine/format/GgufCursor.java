package dev.sparkllm.engine.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads the little-endian primitives of a GGUF header with a bounds check before every read, so
 * that any length or count taken from the file is checked against what the file can still hold
 * before anything is allocated. Errors carry the byte offset and the current context (which key or
 * tensor is being read) so a user can find the damage.
 */
final class GgufCursor {
    private final ByteBuffer buf;
    private final long fileSize;
    private final String source;
    private int pos;
    /** What is being read now, e.g. "metadata key 'general.name'"; added to error messages. */
    private String context = "";

    /**
     * @param header   the start of the file; may be shorter than the file when the file is larger
     *                 than the window the caller maps for the header
     * @param fileSize the real size of the file, to tell truncation apart from an oversized header
     */
    GgufCursor(ByteBuffer header, long fileSize, String source) {
        this.buf = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.fileSize = fileSize;
        this.source = source;
    }

    int position() {
        return pos;
    }

    void context(String context) {
        this.context = context;
    }

    ModelFormatException error(String problem) {
        return new ModelFormatException(source, problem + (context.isEmpty() ? "" : " [" + context + "]"));
    }

    ModelFormatException errorAt(long offset, String problem) {
        return new ModelFormatException(source, problem + " [offset " + offset + (context.isEmpty() ? "" : ", " + context) + "]");
    }

    /**
     * Fails unless {@code count} items of at least {@code minBytesEach} bytes could still follow.
     * Called before allocating anything sized by a count read from the file, which bounds every
     * allocation by the bytes really present.
     */
    void requireCount(long count, int minBytesEach, String what) throws ModelFormatException {
        if (count < 0 || count > (fileSize - pos) / minBytesEach) {
            throw errorAt(pos, what + " count " + Long.toUnsignedString(count) + " cannot fit in the "
                    + (fileSize - pos) + " bytes left in the file (each takes at least " + minBytesEach + " bytes); file truncated or corrupt");
        }
        if (count > (buf.limit() - pos) / minBytesEach) {
            throw errorAt(pos, what + " count " + count + " cannot fit in the rest of the header: the header may be at most "
                    + buf.limit() + " bytes");
        }
    }

    /** Fails unless {@code n} more bytes can be read; {@code what} names them for the message. */
    void require(long n, String what) throws ModelFormatException {
        if (n < 0 || n > fileSize - pos) {
            throw errorAt(pos, "file truncated: " + what + " needs " + n + " bytes but the file ends at byte " + fileSize);
        }
        if (n > buf.limit() - pos) {
            throw errorAt(pos, "header is larger than the " + buf.limit() + " bytes this reader accepts; " + what + " needs " + n + " more bytes");
        }
    }

    int u8(String what) throws ModelFormatException {
        require(1, what);
        return buf.get(pos++) & 0xFF;
    }

    int i32(String what) throws ModelFormatException {
        require(4, what);
        int v = buf.getInt(pos);
        pos += 4;
        return v;
    }

    long u32(String what) throws ModelFormatException {
        return i32(what) & 0xFFFF_FFFFL;
    }

    long i64(String what) throws ModelFormatException {
        require(8, what);
        long v = buf.getLong(pos);
        pos += 8;
        return v;
    }

    short i16(String what) throws ModelFormatException {
        require(2, what);
        short v = buf.getShort(pos);
        pos += 2;
        return v;
    }

    float f32(String what) throws ModelFormatException {
        return Float.intBitsToFloat(i32(what));
    }

    double f64(String what) throws ModelFormatException {
        return Double.longBitsToDouble(i64(what));
    }

    /** A uint64 length-prefixed UTF-8 string. Malformed UTF-8 becomes U+FFFD, as in llama.cpp's lenient reading. */
    String string(String what) throws ModelFormatException {
        int at = pos;
        long len = i64(what + " length");
        if (len < 0 || len > fileSize - pos) {
            throw errorAt(at, what + " length " + Long.toUnsignedString(len) + " exceeds the " + (fileSize - pos) + " bytes left in the file; file truncated or corrupt");
        }
        require(len, what);
        if (len == 0) {
            return "";
        }
        byte[] bytes = new byte[(int) len];
        buf.get(pos, bytes);
        pos += (int) len;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * A little-endian view of the next {@code bytes} bytes, for bulk reads of fixed-width arrays;
     * the caller must have called {@link #require}.
     */
    ByteBuffer take(int bytes) {
        ByteBuffer slice = buf.slice(pos, bytes).order(ByteOrder.LITTLE_ENDIAN);
        pos += bytes;
        return slice;
    }
}
