package dev.sparkllm.engine.format;

import java.util.List;
import java.util.Map;

/**
 * Typed access to GGUF metadata values. A missing key yields the caller's default; a key holding
 * another type is a {@link MetadataTypeException}, because silently falling back to a default
 * would hide a model the engine misreads.
 */
final class GgufMetadata {
    private final Map<String, Object> values;
    private final String source;

    GgufMetadata(Map<String, Object> values, String source) {
        this.values = values;
        this.source = source;
    }

    Map<String, Object> values() {
        return values;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    String string(String key, String dflt) {
        Object v = values.get(key);
        if (v == null) return dflt;
        if (v instanceof String s) return s;
        throw mismatch(key, "a string", v);
    }

    long integer(String key, long dflt) {
        Object v = values.get(key);
        if (v == null) return dflt;
        if (v instanceof Long l) return l;
        throw mismatch(key, "an integer", v);
    }

    double real(String key, double dflt) {
        Object v = values.get(key);
        if (v == null) return dflt;
        if (v instanceof Double d) return d;
        if (v instanceof Long l) return l;
        throw mismatch(key, "a number", v);
    }

    boolean bool(String key, boolean dflt) {
        Object v = values.get(key);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        throw mismatch(key, "a bool", v);
    }

    String[] stringArray(String key) {
        GgufArray a = array(key, "an array of string");
        if (a == null) return null;
        if (a.elementType() != GgufValueType.STRING) throw mismatch(key, "an array of string", a);
        return a.stringsCopy();
    }

    int[] intArray(String key) {
        GgufArray a = array(key, "an array of integers");
        if (a == null) return null;
        int[] direct = a.int32Copy();
        if (direct != null) return direct;
        if (!a.elementType().isInteger()) throw mismatch(key, "an array of integers", a);
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            long v = a.longAt(i);
            if (v != (int) v) {
                throw new MetadataTypeException(source, key, "an array of int32 values", a.describe() + " whose element " + i + " = " + v + " does not fit an int");
            }
            out[i] = (int) v;
        }
        return out;
    }

    float[] floatArray(String key) {
        GgufArray a = array(key, "an array of numbers");
        if (a == null) return null;
        float[] direct = a.float32Copy();
        if (direct != null) return direct;
        GgufValueType t = a.elementType();
        if (!t.isFloat() && !t.isInteger()) throw mismatch(key, "an array of numbers", a);
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) a.doubleAt(i);
        return out;
    }

    private GgufArray array(String key, String expected) {
        Object v = values.get(key);
        if (v == null) return null;
        if (v instanceof GgufArray a) return a;
        throw mismatch(key, expected, v);
    }

    private MetadataTypeException mismatch(String key, String expected, Object actual) {
        return new MetadataTypeException(source, key, expected, describe(actual));
    }

    /** The GGUF-level type of a raw metadata value, for messages. */
    static String describe(Object value) {
        if (value instanceof String) return "a string";
        if (value instanceof Long) return "an integer";
        if (value instanceof Double) return "a float";
        if (value instanceof Boolean) return "a bool";
        if (value instanceof GgufArray a) return a.describe();
        if (value instanceof List) return "an array";
        return value == null ? "nothing" : value.getClass().getSimpleName();
    }
}
