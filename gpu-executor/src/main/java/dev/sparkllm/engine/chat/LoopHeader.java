package dev.sparkllm.engine.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a jinja2 for-loop header, {@code key, value in expr if condition}. jinjava's for tag does
 * not know the {@code if} filter clause (it silently treats it as part of the expression), so the header
 * is split here, at keywords that stand outside strings and brackets.
 *
 * @param variables names bound per item (two or more unpack pairs)
 * @param iterable  the expression producing the items
 * @param condition the filter expression, or null
 */
record LoopHeader(List<String> variables, String iterable, String condition) {

    static LoopHeader parse(String helpers) {
        int in = findKeyword(helpers, "in", 0);
        if (in < 0) throw new IllegalArgumentException("for loop needs 'in': " + helpers.trim());
        List<String> variables = new ArrayList<>();
        for (String v : helpers.substring(0, in).split(",")) {
            String name = v.trim();
            if (name.startsWith("(")) name = name.substring(1).trim();
            if (name.endsWith(")")) name = name.substring(0, name.length() - 1).trim();
            if (!name.isEmpty()) variables.add(name);
        }
        String rest = helpers.substring(in + 2);
        if (findKeyword(rest, "recursive", 0) >= 0) {
            throw new IllegalArgumentException("recursive for loops are not supported in chat templates");
        }
        int cond = findKeyword(rest, "if", 0);
        if (cond < 0) return new LoopHeader(variables, rest.trim(), null);
        return new LoopHeader(variables, rest.substring(0, cond).trim(), rest.substring(cond + 2).trim());
    }

    /** Index of {@code keyword} as a whole word outside quotes and brackets, or -1. */
    static int findKeyword(String text, String keyword, int from) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
                continue;
            }
            switch (c) {
                case '\'', '"' -> quote = c;
                case '(', '[', '{' -> depth++;
                case ')', ']', '}' -> depth--;
                default -> {
                    if (depth == 0 && text.startsWith(keyword, i)
                            && (i == 0 || !isNameChar(text.charAt(i - 1)))
                            && (i + keyword.length() == text.length() || !isNameChar(text.charAt(i + keyword.length())))) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.';
    }
}
