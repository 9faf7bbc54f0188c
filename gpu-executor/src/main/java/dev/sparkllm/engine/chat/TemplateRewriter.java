package dev.sparkllm.engine.chat;

import dev.sparkllm.engine.chat.ExpressionTokens.Kind;
import dev.sparkllm.engine.chat.ExpressionTokens.Token;
import java.util.List;
import java.util.Set;

/**
 * Rewrites the code inside template tags where jinjava's expression parser reads valid jinja2
 * differently. Works on tokens of tag code only (text, comments and raw blocks are copied untouched),
 * and each rewrite produces jinja2 that means the same thing:
 *
 * <ol>
 *   <li><b>{@code not} precedence.</b> In jinja2 {@code not} binds looser than comparisons, tests and
 *       filters ({@code not x is defined} is {@code not (x is defined)}); in jinjava it binds to the
 *       next value. The operand of a unary {@code not} is parenthesised, up to the next {@code and},
 *       {@code or}, {@code if}, {@code else}, comma or closing bracket.</li>
 *   <li><b>Slices.</b> {@code x[a:b:c]} becomes {@code x.__jinja_slice__(a, b, c)}, implemented with
 *       Python's rules (negative bounds, clamping, steps such as {@code [::-1]}, characters of a str);
 *       jinjava has no step and throws on out-of-range string slices.</li>
 *   <li><b>{@code n+1}.</b> jinjava scans {@code +1} after an operand as a unary plus; a space is put
 *       after a binary {@code +} that is directly followed by a digit.</li>
 *   <li><b>lstrip_blocks.</b> jinja2 strips spaces and tabs before a block or comment tag only when they
 *       are all that precedes the tag on its line ({@code {%+ ... %}} opts out); jinjava strips them
 *       before any tag, even after text on the same line. So jinjava's option is off and this rewrite
 *       removes exactly the whitespace jinja2 would (and drops the {@code +}, which jinjava lacks).</li>
 * </ol>
 */
final class TemplateRewriter {

    /** The method the slice rewrite calls; {@link SandboxResolver} implements it. */
    static final String SLICE_METHOD = "__jinja_slice__";

    private static final Set<String> NOT_OPERAND_ENDS = Set.of("and", "or", "if", "else");

    private TemplateRewriter() {
    }

    static String rewrite(String source) {
        StringBuilder out = new StringBuilder(source.length() + 64);
        int length = source.length();
        int i = 0;
        while (i < length) {
            int open = nextTagStart(source, i);
            if (open < 0) {
                out.append(source, i, length);
                break;
            }
            out.append(source, i, open);
            char kind = source.charAt(open + 1);
            int bodyStart = open + 2;
            if (kind != '{') {
                boolean keepIndent = bodyStart < length && source.charAt(bodyStart) == '+';
                if (keepIndent) bodyStart++; // honoured here; jinjava does not know the sign
                else stripIndentBeforeTag(out);
            }
            out.append(source, open, open + 2);
            if (kind == '#') {
                int end = source.indexOf("#}", bodyStart);
                end = end < 0 ? length : end + 2;
                out.append(source, bodyStart, end);
                i = end;
                continue;
            }
            int codeEnd = findTagEnd(source, bodyStart, kind == '{' ? '}' : '%');
            String code = source.substring(bodyStart, codeEnd);
            out.append(rewriteCode(code));
            i = codeEnd;
            if (kind == '%' && isRawStart(code)) {
                int afterTag = source.indexOf("%}", codeEnd);
                afterTag = afterTag < 0 ? length : afterTag + 2;
                int rawEnd = findEndRaw(source, afterTag);
                out.append(source, codeEnd, rawEnd); // raw body verbatim; the endraw tag goes round the loop
                i = rawEnd;
            }
        }
        return out.toString();
    }

    /** Index of the next {@code {{}, {@code {%} or {@code {#} at or after {@code from}, or -1. */
    private static int nextTagStart(String s, int from) {
        for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
            char next = s.charAt(i + 1);
            if (next == '{' || next == '%' || next == '#') return i;
        }
        return -1;
    }

    /**
     * jinja2's lstrip_blocks: if only spaces and tabs stand between the start of the line and the tag
     * being opened, they are removed from the output written so far.
     */
    private static void stripIndentBeforeTag(StringBuilder out) {
        int i = out.length();
        while (i > 0 && (out.charAt(i - 1) == ' ' || out.charAt(i - 1) == '\t')) i--;
        if (i == 0 || out.charAt(i - 1) == '\n') out.setLength(i);
    }

    /** Position of the closing {@code }}} / {@code %}} (or its whitespace-control sign) outside strings and brackets. */
    private static int findTagEnd(String s, int from, char closer) {
        int depth = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i++;
                while (i < s.length() && s.charAt(i) != c) i += s.charAt(i) == '\\' ? 2 : 1;
                continue;
            }
            if (depth == 0 && c == closer && i + 1 < s.length() && s.charAt(i + 1) == '}') {
                boolean control = i > from && (s.charAt(i - 1) == '-' || s.charAt(i - 1) == '+');
                return control ? i - 1 : i;
            }
            if (c == '(' || c == '[' || c == '{') depth++;
            else if ((c == ')' || c == ']' || c == '}') && depth > 0) depth--;
        }
        return s.length();
    }

    private static boolean isRawStart(String code) {
        return stripControl(code).equals("raw");
    }

    private static String stripControl(String code) {
        String c = code.trim();
        if (c.startsWith("-") || c.startsWith("+")) c = c.substring(1);
        if (c.endsWith("-") || c.endsWith("+")) c = c.substring(0, c.length() - 1);
        return c.trim();
    }

    /** Index just before the {@code {% endraw %}} tag that closes a raw block (or the end). */
    private static int findEndRaw(String s, int from) {
        int i = from;
        while (true) {
            int open = s.indexOf("{%", i);
            if (open < 0) return s.length();
            int close = s.indexOf("%}", open + 2);
            if (close < 0) return s.length();
            if (stripControl(s.substring(open + 2, close)).equals("endraw")) return open;
            i = open + 2;
        }
    }

    static String rewriteCode(String code) {
        List<Token> tokens = ExpressionTokens.tokenize(code);
        StringBuilder out = new StringBuilder(code.length() + 16);
        emit(tokens, 0, tokens.size(), out);
        return out.toString();
    }

    /** Writes tokens[from, to) to out, applying the rewrites. */
    private static void emit(List<Token> tokens, int from, int to, StringBuilder out) {
        for (int i = from; i < to; i++) {
            Token t = tokens.get(i);
            Token previous = previousSignificant(tokens, from, i);
            if (t.kind() == Kind.OPEN && t.is("[") && previous != null && previous.endsOperand()) {
                int close = matching(tokens, i, to);
                List<int[]> parts = splitTopLevel(tokens, i + 1, close, ":");
                if (parts.size() > 1 && parts.size() <= 3) {
                    emitSlice(tokens, parts, out);
                } else {
                    out.append('[');
                    emit(tokens, i + 1, close, out);
                    if (close < to) out.append(']');
                }
                i = close;
            } else if (t.kind() == Kind.NAME && t.is("not") && isUnaryNot(tokens, from, to, i, previous)) {
                int end = notOperandEnd(tokens, i + 1, to);
                int first = i + 1;
                while (first < end && !tokens.get(first).significant()) first++;
                int last = end;
                while (last > first && !tokens.get(last - 1).significant()) last--;
                out.append("not");
                emit(tokens, i + 1, first, out);
                out.append('(');
                emit(tokens, first, last, out);
                out.append(')');
                emit(tokens, last, end, out);
                i = end - 1;
            } else if (t.is("+") && previous != null && previous.endsOperand() && i + 1 < to
                    && tokens.get(i + 1).kind() == Kind.NUMBER) {
                out.append("+ ");
            } else {
                out.append(t.text());
            }
        }
    }

    private static void emitSlice(List<Token> tokens, List<int[]> parts, StringBuilder out) {
        out.append('.').append(SLICE_METHOD).append('(');
        for (int p = 0; p < 3; p++) {
            if (p > 0) out.append(", ");
            if (p >= parts.size() || isBlank(tokens, parts.get(p)[0], parts.get(p)[1])) {
                out.append("none");
            } else {
                emit(tokens, parts.get(p)[0], parts.get(p)[1], out);
            }
        }
        out.append(')');
    }

    /** {@code not} is unary unless it is part of {@code is not} or {@code not in}. */
    private static boolean isUnaryNot(List<Token> tokens, int from, int to, int at, Token previous) {
        if (previous != null && previous.is("is")) return false;
        Token next = nextSignificant(tokens, at + 1, to);
        return next != null && !next.is("in");
    }

    private static int notOperandEnd(List<Token> tokens, int from, int to) {
        int depth = 0;
        for (int i = from; i < to; i++) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.OPEN) depth++;
            else if (t.kind() == Kind.CLOSE) {
                if (depth == 0) return i;
                depth--;
            } else if (depth == 0 && (t.is(",") || t.is(":") || (t.kind() == Kind.NAME && NOT_OPERAND_ENDS.contains(t.text())))) {
                return i;
            }
        }
        return to;
    }

    private static int matching(List<Token> tokens, int open, int to) {
        int depth = 0;
        for (int i = open; i < to; i++) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.OPEN) depth++;
            else if (t.kind() == Kind.CLOSE && --depth == 0) return i;
        }
        return to;
    }

    /** Ranges of tokens[from, to) separated by top-level {@code separator}s. */
    private static List<int[]> splitTopLevel(List<Token> tokens, int from, int to, String separator) {
        List<int[]> parts = new java.util.ArrayList<>();
        int depth = 0;
        int start = from;
        for (int i = from; i < to; i++) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.OPEN) depth++;
            else if (t.kind() == Kind.CLOSE) depth--;
            else if (depth == 0 && t.is(separator)) {
                parts.add(new int[] {start, i});
                start = i + 1;
            }
        }
        parts.add(new int[] {start, to});
        return parts;
    }

    private static boolean isBlank(List<Token> tokens, int from, int to) {
        for (int i = from; i < to; i++) if (tokens.get(i).significant()) return false;
        return true;
    }

    private static Token previousSignificant(List<Token> tokens, int from, int at) {
        for (int i = at - 1; i >= from; i--) if (tokens.get(i).significant()) return tokens.get(i);
        return null;
    }

    private static Token nextSignificant(List<Token> tokens, int from, int to) {
        for (int i = from; i < to; i++) if (tokens.get(i).significant()) return tokens.get(i);
        return null;
    }
}
