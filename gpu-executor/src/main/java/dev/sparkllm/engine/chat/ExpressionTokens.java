package dev.sparkllm.engine.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * The tokens of the code inside one {@code {{ ... }}} or {@code {% ... %}} tag, enough of jinja2's
 * lexer for {@link TemplateRewriter}: names, numbers, string literals (kept whole, escapes and all),
 * brackets, whitespace and operator characters. Concatenating the tokens gives back the exact input.
 */
final class ExpressionTokens {

    enum Kind { SPACE, NAME, NUMBER, STRING, OPEN, CLOSE, OTHER }

    record Token(Kind kind, String text) {
        boolean is(String s) {
            return text.equals(s);
        }

        boolean significant() {
            return kind != Kind.SPACE;
        }

        /** Does this token end an operand, so that a following {@code [} is a subscript, {@code +} binary? */
        boolean endsOperand() {
            return switch (kind) {
                case NUMBER, STRING -> true;
                case NAME -> !KEYWORD_OPERATORS.contains(text);
                case CLOSE -> true;
                default -> false;
            };
        }
    }

    /** Names that are operators or statement keywords, after which an operand starts rather than ends. */
    private static final java.util.Set<String> KEYWORD_OPERATORS = java.util.Set.of(
            "and", "or", "not", "in", "is", "if", "else", "elif", "for", "set", "print", "return");

    private ExpressionTokens() {
    }

    static List<Token> tokenize(String code) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            int start = i;
            Kind kind;
            if (Character.isWhitespace(c)) {
                while (i < code.length() && Character.isWhitespace(code.charAt(i))) i++;
                kind = Kind.SPACE;
            } else if (Character.isLetter(c) || c == '_') {
                while (i < code.length() && (Character.isLetterOrDigit(code.charAt(i)) || code.charAt(i) == '_')) i++;
                kind = Kind.NAME;
            } else if (Character.isDigit(c)) {
                while (i < code.length() && (Character.isLetterOrDigit(code.charAt(i)) || code.charAt(i) == '.'
                        || code.charAt(i) == '_')) i++;
                kind = Kind.NUMBER;
            } else if (c == '\'' || c == '"') {
                i++;
                while (i < code.length() && code.charAt(i) != c) i += code.charAt(i) == '\\' ? 2 : 1;
                i = Math.min(i + 1, code.length());
                kind = Kind.STRING;
            } else if (c == '(' || c == '[' || c == '{') {
                i++;
                kind = Kind.OPEN;
            } else if (c == ')' || c == ']' || c == '}') {
                i++;
                kind = Kind.CLOSE;
            } else {
                i++;
                kind = Kind.OTHER;
            }
            tokens.add(new Token(kind, code.substring(start, i)));
        }
        return tokens;
    }
}
