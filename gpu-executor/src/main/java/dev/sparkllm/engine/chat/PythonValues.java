package dev.sparkllm.engine.chat;

import com.hubspot.jinjava.objects.SafeString;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Python's {@code str()} and {@code repr()} of template values, so that what a template prints matches
 * what jinja2 prints ({@code True} not {@code true}, {@code ['a', 'b']} not {@code [a, b]}, {@code 1e-05}
 * not {@code 1.0E-5}). Also Python's notion of whitespace, which differs from Java's.
 */
final class PythonValues {

    private PythonValues() {
    }

    /**
     * Python {@code str(value)}. Null prints as the empty string: jinjava does not tell an undefined
     * value from None, and jinja2 prints undefined as empty, which is by far the common case.
     */
    static String str(Object value) {
        if (value == null) return "";
        if (value instanceof String s) return s;
        if (value instanceof SafeString s) return s.toString();
        if (value instanceof CharSequence s) return s.toString();
        return repr(value);
    }

    /** Python {@code repr(value)} for the types a template can hold. */
    static String repr(Object value) {
        StringBuilder out = new StringBuilder();
        appendRepr(out, value);
        return out.toString();
    }

    private static void appendRepr(StringBuilder out, Object value) {
        RenderGuard.checkCurrentIfBound();
        if (value == null) {
            out.append("None");
        } else if (value instanceof CharSequence s) {
            appendStringRepr(out, s.toString());
        } else if (value instanceof Boolean b) {
            out.append(b ? "True" : "False");
        } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            out.append(floatRepr(((Number) value).doubleValue()));
        } else if (value instanceof Number n) {
            out.append(n instanceof BigInteger ? n.toString() : Long.toString(n.longValue()));
        } else if (value instanceof Map.Entry<?, ?> e) {
            out.append('(');
            appendRepr(out, e.getKey());
            out.append(", ");
            appendRepr(out, e.getValue());
            out.append(')');
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                appendRepr(out, e.getKey());
                out.append(": ");
                appendRepr(out, e.getValue());
                if (it.hasNext()) out.append(", ");
            }
            out.append('}');
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            Iterator<?> it = list.iterator();
            while (it.hasNext()) {
                appendRepr(out, it.next());
                if (it.hasNext()) out.append(", ");
            }
            out.append(']');
        } else {
            out.append(value);
        }
    }

    /** repr of a str: single quotes unless the text has ' and no ", then double quotes; escapes like CPython. */
    private static void appendStringRepr(StringBuilder out, String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        out.append(quote);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == quote || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
            } else if (cp == '\n') {
                out.append("\\n");
            } else if (cp == '\r') {
                out.append("\\r");
            } else if (cp == '\t') {
                out.append("\\t");
            } else if (cp < 0x20 || cp == 0x7f) {
                out.append(String.format("\\x%02x", cp));
            } else if (cp >= 0x80 && !isPrintable(cp)) {
                if (cp <= 0xff) out.append(String.format("\\x%02x", cp));
                else if (cp <= 0xffff) out.append(String.format("\\u%04x", cp));
                else out.append(String.format("\\U%08x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        }
        out.append(quote);
    }

    /** Approximates CPython's str.isprintable: not a control, format, separator (other than space) or unassigned. */
    private static boolean isPrintable(int cp) {
        int type = Character.getType(cp);
        return switch (type) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            case Character.SPACE_SEPARATOR -> cp == ' ';
            default -> true;
        };
    }

    /** Python's float repr: shortest round-trip digits, fixed notation for 1e-4 <= |x| < 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        // Double.toString gives round-trip digits; BigDecimal extracts them without re-rounding.
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = exact.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - exact.scale(); // decimal exponent of the first digit
        String sign = d < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String exp = String.format("%02d", Math.abs(exponent));
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
        }
        if (exponent < 0) {
            return sign + "0." + "0".repeat(-exponent - 1) + digits;
        }
        if (digits.length() <= exponent + 1) {
            return sign + digits + "0".repeat(exponent + 1 - digits.length()) + ".0";
        }
        return sign + digits.substring(0, exponent + 1) + "." + digits.substring(exponent + 1);
    }

    /** The characters Python's str.strip()/split() treat as whitespace (str.isspace). */
    static boolean isPythonSpace(int cp) {
        return switch (cp) {
            case ' ', '\t', '\n', '\r', 0x0b, 0x0c, 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0, 0x1680,
                 0x2028, 0x2029, 0x202f, 0x205f, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200a;
        };
    }

    /** Python truthiness, for the few places jinjava's own coercion is not used. */
    static boolean truthy(Object value) {
        if (value == null) return false;
        if (value instanceof Boolean b) return b;
        if (value instanceof Number n) return n.doubleValue() != 0;
        if (value instanceof CharSequence s) return s.length() > 0;
        if (value instanceof Collection<?> c) return !c.isEmpty();
        if (value instanceof Map<?, ?> m) return !m.isEmpty();
        return true;
    }
}
