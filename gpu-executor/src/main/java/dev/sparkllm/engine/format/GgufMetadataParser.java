package dev.sparkllm.engine.format;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the key/value section of a GGUF header into the raw value types that
 * {@link GgufFile#metadata()} documents. Every count is checked against the bytes left before the
 * array for it is allocated, so a hostile count fails fast instead of exhausting the heap.
 */
final class GgufMetadataParser {
    /** Smallest possible key/value entry: an empty key (8-byte length), a type id and a 1-byte value. */
    static final int MIN_ENTRY_BYTES = 8 + 4 + 1;
    /** GGUF allows arrays of arrays; real files nest at most once, and a limit keeps recursion off the stack's edge. */
    static final int MAX_ARRAY_NESTING = 8;

    /** Shared empty arrays: an empty nested array takes 12 bytes on disk but would cost more on the heap. */
    private static final Map<GgufValueType, GgufArray> EMPTY = new EnumMap<>(GgufValueType.class);

    static {
        for (GgufValueType t : GgufValueType.values()) {
            EMPTY.put(t, new GgufArray(t, emptyStorage(t), 0));
        }
    }

    private final GgufCursor in;

    private GgufMetadataParser(GgufCursor in) {
        this.in = in;
    }

    /** Reads {@code count} entries at the cursor, which must already have been checked with {@link GgufCursor#requireCount}. */
    static Map<String, Object> read(GgufCursor in, long count) throws ModelFormatException {
        return new GgufMetadataParser(in).readEntries(count);
    }

    private Map<String, Object> readEntries(long count) throws ModelFormatException {
        Map<String, Object> entries = new LinkedHashMap<>((int) Math.min(count, 1024) * 2);
        for (long i = 0; i < count; i++) {
            in.context("metadata entry #" + i);
            String key = in.string("metadata key");
            in.context("metadata key " + Quoting.quote(key));
            if (entries.containsKey(key)) {
                throw in.error("duplicate metadata key");
            }
            GgufValueType type = valueType("metadata value type");
            entries.put(key, readValue(type, 0));
        }
        in.context("");
        return entries;
    }

    private GgufValueType valueType(String what) throws ModelFormatException {
        int at = in.position();
        long id = in.u32(what);
        GgufValueType type = GgufValueType.byId(id);
        if (type == null) {
            throw in.errorAt(at, "unknown " + what + " id " + id + " (known ids are 0..12)");
        }
        return type;
    }

    private Object readValue(GgufValueType type, int depth) throws ModelFormatException {
        switch (type) {
            case UINT8: return (long) in.u8("uint8 value");
            case INT8: return (long) (byte) in.u8("int8 value");
            case UINT16: return (long) (in.i16("uint16 value") & 0xFFFF);
            case INT16: return (long) in.i16("int16 value");
            case UINT32: return in.u32("uint32 value");
            case INT32: return (long) in.i32("int32 value");
            case UINT64: return in.i64("uint64 value");
            case INT64: return in.i64("int64 value");
            case FLOAT32: return (double) in.f32("float32 value");
            case FLOAT64: return in.f64("float64 value");
            case BOOL: return readBool();
            case STRING: return in.string("string value");
            case ARRAY: return readArray(depth + 1);
            default: throw new AssertionError(type);
        }
    }

    private boolean readBool() throws ModelFormatException {
        int at = in.position();
        int b = in.u8("bool value");
        if (b > 1) {
            throw in.errorAt(at, "bool value " + b + " is neither 0 nor 1");
        }
        return b == 1;
    }

    private GgufArray readArray(int depth) throws ModelFormatException {
        if (depth > MAX_ARRAY_NESTING) {
            throw in.errorAt(in.position(), "arrays nested more than " + MAX_ARRAY_NESTING + " levels deep");
        }
        GgufValueType elementType = valueType("array element type");
        int countAt = in.position();
        long count = in.i64("array count");
        in.requireCount(count, elementType.minEncodedBytes, "array of " + elementType.displayName() + ":");
        if (count == 0) {
            return EMPTY.get(elementType);
        }
        int n = (int) count; // requireCount bounded it by the header window, which is an int
        switch (elementType) {
            case UINT8: case INT8: {
                byte[] a = new byte[n];
                in.take(n).get(a);
                return new GgufArray(elementType, a, n);
            }
            case UINT16: case INT16: {
                short[] a = new short[n];
                in.take(n * 2).asShortBuffer().get(a);
                return new GgufArray(elementType, a, n);
            }
            case UINT32: case INT32: {
                int[] a = new int[n];
                in.take(n * 4).asIntBuffer().get(a);
                return new GgufArray(elementType, a, n);
            }
            case FLOAT32: {
                float[] a = new float[n];
                in.take(n * 4).asFloatBuffer().get(a);
                return new GgufArray(elementType, a, n);
            }
            case UINT64: case INT64: {
                long[] a = new long[n];
                in.take(n * 8).asLongBuffer().get(a);
                return new GgufArray(elementType, a, n);
            }
            case FLOAT64: {
                double[] a = new double[n];
                in.take(n * 8).asDoubleBuffer().get(a);
                return new GgufArray(elementType, a, n);
            }
            case BOOL: {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) a[i] = readBool();
                return new GgufArray(elementType, a, n);
            }
            case STRING: {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) a[i] = in.string("string array element");
                return new GgufArray(elementType, a, n);
            }
            case ARRAY: {
                Object[] a = new Object[n];
                for (int i = 0; i < n; i++) a[i] = readArray(depth + 1);
                return new GgufArray(elementType, a, n);
            }
            default:
                throw in.errorAt(countAt, "unhandled array element type " + elementType);
        }
    }

    private static Object emptyStorage(GgufValueType t) {
        switch (t) {
            case UINT8: case INT8: return new byte[0];
            case UINT16: case INT16: return new short[0];
            case UINT32: case INT32: return new int[0];
            case FLOAT32: return new float[0];
            case UINT64: case INT64: return new long[0];
            case FLOAT64: return new double[0];
            case BOOL: return new boolean[0];
            case STRING: return new String[0];
            default: return new Object[0];
        }
    }
}
