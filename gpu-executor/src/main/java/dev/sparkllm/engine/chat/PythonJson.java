package dev.sparkllm.engine.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps}, byte for byte, because chat templates print tool schemas and tool-call
 * arguments with {@code tojson} and the model was trained on Python's formatting: {@code ", "} and
 * {@code ": "} separators, {@code indent} putting each element on its own line, non-ASCII kept as is
 * (transformers passes {@code ensure_ascii=False}), and Python's float formatting.
 */
final class PythonJson {

    /**
     * @param ensureAscii  escape every non-ASCII character as {@code \\uXXXX}
     * @param indent       null for one line; otherwise the string put before each nesting level
     * @param itemSeparator null for Python's default ({@code ", "}, or {@code ","} when indenting)
     * @param keySeparator  null for Python's default ({@code ": "})
     * @param sortKeys      sort object keys
     */
    record Options(boolean ensureAscii, String indent, String itemSeparator, String keySeparator, boolean sortKeys) {
        static final Options TRANSFORMERS_DEFAULT = new Options(false, null, null, null, false);
    }

    private final Options options;
    private final String itemSeparator;
    private final String keySeparator;
    private final StringBuilder out = new StringBuilder();
    private final long maxChars;

    private PythonJson(Options options, long maxChars) {
        this.options = options;
        this.itemSeparator = options.itemSeparator() != null ? options.itemSeparator()
                : options.indent() != null ? "," : ", ";
        this.keySeparator = options.keySeparator() != null ? options.keySeparator() : ": ";
        this.maxChars = maxChars;
    }

    static String dumps(Object value, Options options, long maxChars) {
        PythonJson writer = new PythonJson(options, maxChars);
        writer.write(value, 0);
        return writer.out.toString();
    }

    private void write(Object value, int depth) {
        if (out.length() > maxChars) {
            throw new IllegalStateException("tojson output is over " + maxChars + " characters");
        }
        RenderGuard.checkCurrentIfBound();
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof CharSequence s) {
            writeString(s.toString());
        } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            writeFloat(((Number) value).doubleValue());
        } else if (value instanceof Number n) {
            out.append(n instanceof BigInteger ? n.toString() : Long.toString(n.longValue()));
        } else if (value instanceof Map<?, ?> map) {
            writeObject(map, depth);
        } else if (value instanceof Collection<?> list) {
            writeArray(list, depth);
        } else if (value instanceof Object[] array) {
            writeArray(List.of(array), depth);
        } else {
            throw new IllegalArgumentException("Object of type " + value.getClass().getSimpleName()
                    + " is not JSON serializable");
        }
    }

    private void writeFloat(double d) {
        if (Double.isNaN(d)) out.append("NaN");
        else if (Double.isInfinite(d)) out.append(d > 0 ? "Infinity" : "-Infinity");
        else out.append(PythonValues.floatRepr(d));
    }

    private void writeArray(Collection<?> list, int depth) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object item : list) {
            if (!first) out.append(itemSeparator);
            first = false;
            newlineAndIndent(depth + 1);
            write(item, depth + 1);
        }
        newlineAndIndent(depth);
        out.append(']');
    }

    private void writeObject(Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<String, Object>> entries = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            entries.add(Map.entry(keyString(e.getKey()), e.getValue() == null ? NULL : e.getValue()));
        }
        if (options.sortKeys()) entries.sort(Map.Entry.comparingByKey());
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : entries) {
            if (!first) out.append(itemSeparator);
            first = false;
            newlineAndIndent(depth + 1);
            writeString(e.getKey());
            out.append(keySeparator);
            write(e.getValue() == NULL ? null : e.getValue(), depth + 1);
        }
        newlineAndIndent(depth);
        out.append('}');
    }

    /** Map.entry refuses null values; this stands in for them. */
    private static final Object NULL = new Object();

    /** Python converts non-string keys the way it prints them as JSON scalars. */
    private static String keyString(Object key) {
        if (key == null) return "null";
        if (key instanceof Boolean b) return b ? "true" : "false";
        if (key instanceof Double || key instanceof Float) return PythonValues.floatRepr(((Number) key).doubleValue());
        return key.toString();
    }

    private void newlineAndIndent(int depth) {
        if (options.indent() == null) return;
        out.append('\n');
        for (int i = 0; i < depth; i++) out.append(options.indent());
    }

    private void writeString(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (options.ensureAscii() && c > 0x7e)) {
                        // Python escapes each UTF-16 unit, so astral characters become surrogate pairs too.
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
