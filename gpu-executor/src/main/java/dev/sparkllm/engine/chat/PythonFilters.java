package dev.sparkllm.engine.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Filters whose jinjava versions print or compute differently from jinja2/transformers, replaced with
 * Python-exact ones. Each nested class is one filter; the rest of jinjava's filters are used as they
 * are, behind {@link SizeCheckedFilter}.
 */
final class PythonFilters {

    private PythonFilters() {
    }

    static List<Filter> all() {
        return List.of(new ToJson(), new Str(), new Trim(), new Length("length"), new Length("count"),
                new CaseChange("upper"), new CaseChange("lower"), new CaseChange("capitalize"), new Title(),
                new Replace(), new Join(), new Items(), new Sum(), new Truncate());
    }

    /** Base for filters that want Python-style positional + keyword arguments. */
    abstract static class PythonFilter implements Filter {
        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, (Object[]) args, Map.of());
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            RenderGuard.current().check();
            Object result = apply(var, new CallArgs(getName(), args, kwargs));
            if (result instanceof CharSequence s) RenderGuard.current().checkSize(s.length());
            return result;
        }

        abstract Object apply(Object value, CallArgs args);
    }

    /** transformers' tojson: json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False). */
    static final class ToJson extends PythonFilter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        Object apply(Object value, CallArgs a) {
            a.atMost(4);
            Object indent = a.get(1, "indent", null);
            String indentText = indent == null ? null
                    : indent instanceof CharSequence s ? s.toString() : " ".repeat((int) Math.max(0, a.integer(1, "indent", 0)));
            String itemSeparator = null;
            String keySeparator = null;
            Object separators = a.get(2, "separators", null);
            if (separators != null) {
                if (!(separators instanceof List<?> pair) || pair.size() != 2) throw a.error("separators must be a pair of strings");
                itemSeparator = PythonValues.str(pair.get(0));
                keySeparator = PythonValues.str(pair.get(1));
            }
            var options = new PythonJson.Options(a.bool(0, "ensure_ascii", false), indentText, itemSeparator,
                    keySeparator, a.bool(3, "sort_keys", false));
            try {
                return PythonJson.dumps(value, options, RenderGuard.current().limits().maxOutputChars());
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw RenderGuard.current().fail("tojson: " + e.getMessage());
            }
        }
    }

    /** string: Python str(), so booleans print as True/False and lists with quotes. */
    static final class Str extends PythonFilter {
        @Override
        public String getName() {
            return "string";
        }

        @Override
        Object apply(Object value, CallArgs a) {
            return PythonValues.str(value);
        }
    }

    /** trim(chars=None): Python str.strip, with Python's (wider) idea of whitespace. */
    static final class Trim extends PythonFilter {
        @Override
        public String getName() {
            return "trim";
        }

        @Override
        Object apply(Object value, CallArgs a) {
            return PythonStringMethods.strip(PythonValues.str(value), a.atMost(1).string(0, "chars", null), true, true);
        }
    }

    /** length / count: len(), counting a str in characters (code points), not UTF-16 units. */
    static final class Length extends PythonFilter {
        private final String name;

        Length(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        Object apply(Object value, CallArgs a) {
            if (value == null) return 0L;
            if (value instanceof CharSequence s) return (long) s.toString().codePointCount(0, s.length());
            if (value instanceof Collection<?> c) return (long) c.size();
            if (value instanceof Map<?, ?> m) return (long) m.size();
            if (value instanceof Object[] array) return (long) array.length;
            throw a.error("object of type '" + CallArgs.typeName(value) + "' has no len()");
        }
    }

    /** upper / lower / capitalize: the str methods of the same names. */
    static final class CaseChange extends PythonFilter {
        private final String name;

        CaseChange(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        Object apply(Object value, CallArgs a) {
            String s = PythonValues.str(value);
            return switch (name) {
                case "upper" -> s.toUpperCase(Locale.ROOT);
                case "lower" -> s.toLowerCase(Locale.ROOT);
                default -> PythonStringMethods.capitalize(s);
            };
        }
    }

    /**
     * title: jinja2's own rule, not str.title(): split before runs of {@code -}, whitespace and opening
     * brackets, then upper-case the first character of each piece and lower-case the rest.
     */
    static final class Title extends PythonFilter {
        @Override
        public String getName() {
            return "title";
        }

        @Override
        Object apply(Object value, CallArgs a) {
            String s = PythonValues.str(value);
            StringBuilder out = new StringBuilder(s.length());
            int i = 0;
            while (i < s.length()) {
                int j = i;
                boolean delimiter = isWordBoundary(s.codePointAt(i));
                while (j < s.length() && isWordBoundary(s.codePointAt(j)) == delimiter) j += Character.charCount(s.codePointAt(j));
                String piece = s.substring(i, j);
                int first = piece.codePointAt(0);
                out.append(new String(Character.toChars(first)).toUpperCase(Locale.ROOT))
                        .append(piece.substring(Character.charCount(first)).toLowerCase(Locale.ROOT));
                i = j;
            }
            return out.toString();
        }

        private static boolean isWordBoundary(int cp) {
            return cp == '-' || cp == '(' || cp == '{' || cp == '[' || cp == '<' || PythonValues.isPythonSpace(cp);
        }
    }

    /** replace(old, new, count=None): str.replace. */
    static final class Replace extends PythonFilter {
        @Override
        public String getName() {
            return "replace";
        }

        @Override
        Object apply(Object value, CallArgs a) {
            a.atMost(3);
            Object count = a.get(2, "count", null);
            return PythonStringMethods.replace(PythonValues.str(value), PythonValues.str(a.get(0, "old", null)),
                    PythonValues.str(a.get(1, "new", null)), count == null ? -1 : a.integer(2, "count", -1));
        }
    }

    /** join(d='', attribute=None): items printed with str(), optionally one attribute of each. */
    static final class Join extends PythonFilter {
        @Override
        public String getName() {
            return "join";
        }

        @Override
        Object apply(Object value, CallArgs a) {
            a.atMost(2);
            String separator = PythonValues.str(a.get(0, "d", ""));
            Object attribute = a.get(1, "attribute", null);
            StringBuilder out = new StringBuilder();
            boolean first = true;
            for (Object item : PythonIteration.loopItems(value)) {
                if (attribute != null) item = item instanceof Map<?, ?> m ? m.get(PythonValues.str(attribute)) : null;
                if (!first) out.append(separator);
                first = false;
                out.append(PythonValues.str(item));
                RenderGuard.current().checkSize(out.length());
            }
            return out.toString();
        }
    }

    /** sum(attribute=None, start=0): integers stay integers (jinjava's sum always gives a float). */
    static final class Sum extends PythonFilter {
        @Override
        public String getName() {
            return "sum";
        }

        @Override
        Object apply(Object value, CallArgs a) {
            a.atMost(2);
            Object attribute = a.get(0, "attribute", null);
            Object start = a.get(1, "start", 0L);
            long longTotal = 0;
            double doubleTotal = 0;
            boolean floating = false;
            List<Object> terms = new java.util.ArrayList<>();
            terms.add(start);
            for (Object item : PythonIteration.loopItems(value)) {
                terms.add(attribute != null && item instanceof Map<?, ?> m ? m.get(PythonValues.str(attribute)) : item);
            }
            for (Object term : terms) {
                if (term instanceof Double || term instanceof Float) {
                    floating = true;
                    doubleTotal += ((Number) term).doubleValue();
                } else if (term instanceof Number n) {
                    longTotal += n.longValue();
                } else if (term instanceof Boolean b) {
                    longTotal += b ? 1 : 0;
                } else {
                    throw a.error("unsupported operand type for +: '" + CallArgs.typeName(term) + "'");
                }
            }
            return floating ? (Object) (doubleTotal + longTotal) : (Object) longTotal;
        }
    }

    /** truncate(length=255, killwords=False, end='...', leeway=5): jinja2 cuts at a word boundary. */
    static final class Truncate extends PythonFilter {
        @Override
        public String getName() {
            return "truncate";
        }

        @Override
        Object apply(Object value, CallArgs a) {
            a.atMost(4);
            String s = PythonValues.str(value);
            long length = a.integer(0, "length", 255);
            boolean killwords = a.bool(1, "killwords", false);
            String end = a.string(2, "end", "...");
            long leeway = a.get(3, "leeway", null) == null ? 5 : a.integer(3, "leeway", 5);
            if (length < end.length() || leeway < 0) throw a.error("length must be >= len(end) and leeway >= 0");
            List<String> chars = PythonIteration.characters(s);
            if (chars.size() <= length + leeway) return s;
            String head = String.join("", chars.subList(0, (int) (length - end.length())));
            if (killwords) return head + end;
            int space = head.lastIndexOf(' ');
            return (space < 0 ? head : head.substring(0, space)) + end;
        }
    }

    /** items: a dict's (key, value) pairs (jinja2 3.1); undefined gives none. */
    static final class Items extends PythonFilter {
        @Override
        public String getName() {
            return "items";
        }

        @Override
        Object apply(Object value, CallArgs a) {
            if (value == null) return List.of();
            if (value instanceof Map<?, ?> m) return PythonIteration.items(m);
            throw a.error("can only get item pairs from a mapping, not " + CallArgs.typeName(value));
        }
    }
}
