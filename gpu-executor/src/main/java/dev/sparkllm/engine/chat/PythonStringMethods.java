package dev.sparkllm.engine.chat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Python {@code str} methods that chat templates call ({@code content.strip()},
 * {@code role.startswith('sys')}, {@code text.split('\n')}...), implemented with CPython's semantics
 * rather than Java's: Java's {@code split} takes a regex, its {@code strip} has a different notion of
 * whitespace, and it has no {@code startswith}/{@code title} at all.
 *
 * <p>Only these methods exist for a template; anything else on a string is a sandbox error. Results that
 * can grow ({@code replace}, {@code join}) are size-checked before they are built.
 */
final class PythonStringMethods {

    static final Set<String> NAMES = Set.of(
            "strip", "lstrip", "rstrip", "startswith", "endswith", "split", "rsplit", "splitlines",
            "upper", "lower", "title", "capitalize", "swapcase", "replace", "find", "rfind", "index", "rindex",
            "count", "join", "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "isnumeric",
            "removeprefix", "removesuffix");

    private PythonStringMethods() {
    }

    static Object call(String s, String method, Object[] params) {
        CallArgs a = new CallArgs("str." + method, params);
        return switch (method) {
            case "strip" -> strip(s, a.atMost(1).string(0, "chars", null), true, true);
            case "lstrip" -> strip(s, a.atMost(1).string(0, "chars", null), true, false);
            case "rstrip" -> strip(s, a.atMost(1).string(0, "chars", null), false, true);
            case "startswith" -> affix(s, a.atMost(3), true);
            case "endswith" -> affix(s, a.atMost(3), false);
            case "split" -> split(s, a.atMost(2).string(0, "sep", null), (int) a.integer(1, "maxsplit", -1));
            case "rsplit" -> rsplit(s, a.atMost(2).string(0, "sep", null), (int) a.integer(1, "maxsplit", -1));
            case "splitlines" -> splitlines(s, a.atMost(1).bool(0, "keepends", false));
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" -> capitalize(s);
            case "swapcase" -> swapcase(s);
            case "replace" -> replace(s, a.atMost(3).string(0, "old", null), a.string(1, "new", null),
                    a.integer(2, "count", -1));
            case "find" -> find(s, a.atMost(3), false);
            case "rfind" -> find(s, a.atMost(3), true);
            case "index", "rindex" -> {
                int at = find(s, a.atMost(3), method.equals("rindex"));
                if (at < 0) throw a.error("substring not found");
                yield at;
            }
            case "count" -> count(s, a.atMost(1).string(0, "sub", null));
            case "join" -> join(s, a.atMost(1).get(0, "iterable", null), a);
            case "isdigit", "isnumeric" -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
            case "isspace" -> !s.isEmpty() && s.codePoints().allMatch(PythonValues::isPythonSpace);
            case "isupper" -> hasCased(s) && s.equals(s.toUpperCase(Locale.ROOT));
            case "islower" -> hasCased(s) && s.equals(s.toLowerCase(Locale.ROOT));
            case "removeprefix" -> {
                String p = a.atMost(1).string(0, "prefix", "");
                yield s.startsWith(p) ? s.substring(p.length()) : s;
            }
            case "removesuffix" -> {
                String p = a.atMost(1).string(0, "suffix", "");
                yield !p.isEmpty() && s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s;
            }
            default -> throw RenderGuard.failCurrent("str has no method '" + method + "' in chat templates");
        };
    }

    static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        while (left && start < end && stripped(s.codePointAt(start), chars)) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (right && end > start && stripped(s.codePointBefore(end), chars)) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    private static boolean stripped(int cp, String chars) {
        return chars == null ? PythonValues.isPythonSpace(cp) : chars.indexOf(cp) >= 0;
    }

    private static boolean affix(String s, CallArgs a, boolean prefix) {
        Object what = a.get(0, null, null);
        int length = s.codePointCount(0, s.length());
        int start = clampIndex(a.has(1, null) && a.get(1, null, null) != null ? a.integer(1, null, 0) : 0, length);
        int end = clampIndex(a.has(2, null) && a.get(2, null, null) != null ? a.integer(2, null, length) : length, length);
        if (start > end) return false;
        String window = s.substring(s.offsetByCodePoints(0, start), s.offsetByCodePoints(0, end));
        if (what instanceof CharSequence c) {
            return prefix ? window.startsWith(c.toString()) : window.endsWith(c.toString());
        }
        if (what instanceof Collection<?> options) {
            for (Object o : options) {
                if (!(o instanceof CharSequence c)) throw a.error("tuple for startswith/endswith must only contain str");
                if (prefix ? window.startsWith(c.toString()) : window.endsWith(c.toString())) return true;
            }
            return false;
        }
        throw a.error("first argument must be str or a tuple of str, not " + CallArgs.typeName(what));
    }

    /** Python slice-index clamping for start/end arguments. */
    private static int clampIndex(long index, int length) {
        if (index < 0) index += length;
        return (int) Math.max(0, Math.min(length, index));
    }

    static List<String> split(String s, String sep, int maxsplit) {
        List<String> parts = new ArrayList<>();
        if (sep == null) {
            // Runs of whitespace separate; leading/trailing whitespace yields no empty parts.
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && PythonValues.isPythonSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
                if (i >= n) break;
                if (maxsplit >= 0 && parts.size() == maxsplit) {
                    parts.add(s.substring(i)); // CPython keeps the remainder's trailing whitespace
                    break;
                }
                int j = i;
                while (j < n && !PythonValues.isPythonSpace(s.codePointAt(j))) j += Character.charCount(s.codePointAt(j));
                parts.add(s.substring(i, j));
                i = j;
            }
            return parts;
        }
        if (sep.isEmpty()) throw RenderGuard.failCurrent("str.split(): empty separator");
        int from = 0;
        while (maxsplit < 0 || parts.size() < maxsplit) {
            int at = s.indexOf(sep, from);
            if (at < 0) break;
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    static List<String> rsplit(String s, String sep, int maxsplit) {
        if (maxsplit < 0) return split(s, sep, -1);
        List<String> reversed = new ArrayList<>();
        if (sep == null) {
            int end = s.length();
            while (true) {
                while (end > 0 && PythonValues.isPythonSpace(s.codePointBefore(end))) end -= Character.charCount(s.codePointBefore(end));
                if (end <= 0) break;
                if (reversed.size() == maxsplit) {
                    reversed.add(s.substring(0, end));
                    break;
                }
                int start = end;
                while (start > 0 && !PythonValues.isPythonSpace(s.codePointBefore(start))) start -= Character.charCount(s.codePointBefore(start));
                reversed.add(s.substring(start, end));
                end = start;
            }
        } else {
            if (sep.isEmpty()) throw RenderGuard.failCurrent("str.rsplit(): empty separator");
            int end = s.length();
            while (reversed.size() < maxsplit) {
                int at = s.lastIndexOf(sep, end - sep.length());
                if (at < 0) break;
                reversed.add(s.substring(at + sep.length(), end));
                end = at;
            }
            reversed.add(s.substring(0, end));
        }
        List<String> parts = new ArrayList<>(reversed.size());
        for (int i = reversed.size() - 1; i >= 0; i--) parts.add(reversed.get(i));
        return parts;
    }

    private static List<String> splitlines(String s, boolean keepends) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int breakLength = 0;
            if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') breakLength = 2;
            else if (isLineBreak(c)) breakLength = 1;
            if (breakLength == 0) {
                i++;
                continue;
            }
            lines.add(s.substring(start, keepends ? i + breakLength : i));
            i += breakLength;
            start = i;
        }
        if (start < s.length()) lines.add(s.substring(start));
        return lines;
    }

    private static boolean isLineBreak(char c) {
        return c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d || c == 0x1e
                || c == 0x85 || c == 0x2028 || c == 0x2029;
    }

    /** CPython str.title(): a cased character after an uncased one starts a word. */
    static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (previousCased) out.append(new String(Character.toChars(cp)).toLowerCase(Locale.ROOT));
            else out.appendCodePoint(Character.toTitleCase(cp));
            previousCased = isCased(cp);
        }
        return out.toString();
    }

    /** CPython str.capitalize(): first character title-cased, the rest lower-cased. */
    static String capitalize(String s) {
        if (s.isEmpty()) return s;
        int first = s.codePointAt(0);
        return new StringBuilder().appendCodePoint(Character.toTitleCase(first))
                .append(s.substring(Character.charCount(first)).toLowerCase(Locale.ROOT)).toString();
    }

    private static String swapcase(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> out.appendCodePoint(
                Character.isUpperCase(cp) ? Character.toLowerCase(cp)
                        : Character.isLowerCase(cp) ? Character.toUpperCase(cp) : cp));
        return out.toString();
    }

    private static boolean isCased(int cp) {
        return Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
    }

    private static boolean hasCased(String s) {
        return s.codePoints().anyMatch(PythonStringMethods::isCased);
    }

    /** CPython str.replace, including the empty-old case that inserts between every character. */
    static String replace(String s, String old, String replacement, long count) {
        if (old == null || replacement == null) throw RenderGuard.failCurrent("str.replace() needs old and new strings");
        long limit = count < 0 ? Long.MAX_VALUE : count;
        if (old.isEmpty()) {
            int cps = s.codePointCount(0, s.length());
            long inserts = Math.min(limit, cps + 1L);
            RenderGuard.checkSizeIfBound(s.length() + inserts * replacement.length());
            StringBuilder out = new StringBuilder();
            long done = 0;
            int i = 0;
            while (true) {
                if (done < inserts) {
                    out.append(replacement);
                    done++;
                }
                if (i >= s.length()) break;
                int cp = s.codePointAt(i);
                out.appendCodePoint(cp);
                i += Character.charCount(cp);
            }
            return out.toString();
        }
        long occurrences = Math.min(limit, countOccurrences(s, old));
        RenderGuard.checkSizeIfBound(s.length() + occurrences * (replacement.length() - old.length()));
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (long n = 0; n < occurrences; n++) {
            int at = s.indexOf(old, from);
            out.append(s, from, at).append(replacement);
            from = at + old.length();
        }
        return out.append(s.substring(from)).toString();
    }

    private static long countOccurrences(String s, String sub) {
        long n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) n++;
        return n;
    }

    private static long count(String s, String sub) {
        if (sub == null) throw RenderGuard.failCurrent("str.count() needs a substring");
        return sub.isEmpty() ? s.codePointCount(0, s.length()) + 1L : countOccurrences(s, sub);
    }

    /** find/rfind returning a code-point index, as Python does. */
    private static int find(String s, CallArgs a, boolean fromRight) {
        String sub = a.string(0, "sub", null);
        if (sub == null) throw a.error("needs a substring");
        int length = s.codePointCount(0, s.length());
        int start = clampIndex(a.get(1, null, null) != null ? a.integer(1, null, 0) : 0, length);
        int end = clampIndex(a.get(2, null, null) != null ? a.integer(2, null, length) : length, length);
        if (start > end) return -1;
        int startChar = s.offsetByCodePoints(0, start);
        String window = s.substring(startChar, s.offsetByCodePoints(0, end));
        int at = fromRight ? window.lastIndexOf(sub) : window.indexOf(sub);
        return at < 0 ? -1 : start + window.codePointCount(0, at);
    }

    private static String join(String separator, Object iterable, CallArgs a) {
        Iterable<?> items;
        if (iterable instanceof Iterable<?> it) items = it;
        else if (iterable instanceof CharSequence cs) items = PythonIteration.characters(cs.toString());
        else throw a.error("can only join an iterable");
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Object item : items) {
            if (!(item instanceof CharSequence cs)) {
                throw a.error("sequence item: expected str instance, " + CallArgs.typeName(item) + " found");
            }
            if (!first) out.append(separator);
            first = false;
            out.append(cs);
            RenderGuard.checkSizeIfBound(out.length());
        }
        return out.toString();
    }
}
