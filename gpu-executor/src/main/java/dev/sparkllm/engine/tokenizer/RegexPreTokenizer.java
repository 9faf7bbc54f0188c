package dev.sparkllm.engine.tokenizer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits with a general regex: every match is a piece and so is every stretch between matches
 * (Hugging Face's {@code Split} with behaviour {@code Isolated}, and llama.cpp's std::regex path).
 *
 * <p>When the regex uses only the classes {@code \p{L} \p{N} \p{P} \p{M} \p{S}}, it runs the way
 * llama.cpp runs it: on a "collapsed" copy of the text where each non-ASCII codepoint becomes one
 * placeholder character for its Unicode class (or U+000B for whitespace), so the classes follow the
 * same Unicode 15.1 table as the rest of this package. Other regexes run on the text itself with
 * Java's own Unicode classes ({@link Pattern#UNICODE_CHARACTER_CLASS}, Unicode 13 on Java 17).
 */
final class RegexPreTokenizer implements PreTokenizer {
    private static final char OTHER_PLACEHOLDER = '\uE000';
    private static final char WHITESPACE_PLACEHOLDER = '\u000B';
    private static final String[][] COLLAPSIBLE_CLASSES = {
        // name, placeholder, the ASCII members llama.cpp adds (written for a Java character class)
        {"N", "\uE001", "0-9"},
        {"L", "\uE002", "A-Za-z"},
        {"P", "\uE003", "!-#%-*,-/:-;?-@\\[-\\]_\\{\\}"},
        {"M", "\uE004", ""},
        {"S", "\uE005", "\\$\\+<=>\\^\\x60\\|"},
    };

    private final Pattern pattern;
    private final boolean collapsed;

    RegexPreTokenizer(String regex) {
        String translated = translateCollapsible(regex);
        this.collapsed = translated != null;
        this.pattern = collapsed ? Pattern.compile(translated) : Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
    }

    @Override
    public void split(int[] cps, int from, int to, IntList ends) {
        // Java's regex works on UTF-16, so keep a map from char index back to codepoint index.
        StringBuilder text = new StringBuilder(to - from);
        int[] charToCodepoint = new int[2 * (to - from) + 1];
        for (int i = from; i < to; i++) {
            charToCodepoint[text.length()] = i;
            if (collapsed) {
                text.append(collapse(cps[i]));
            } else {
                text.appendCodePoint(cps[i]);
                if (Character.isSupplementaryCodePoint(cps[i])) {
                    charToCodepoint[text.length() - 1] = i;
                }
            }
        }
        charToCodepoint[text.length()] = to;
        Matcher m = pattern.matcher(text);
        int pieceStart = 0;
        while (m.find()) {
            if (m.end() == m.start()) {
                continue; // an empty match is no piece
            }
            if (m.start() > pieceStart) {
                ends.add(charToCodepoint[m.start()]);
            }
            ends.add(charToCodepoint[m.end()]);
            pieceStart = m.end();
        }
        if (pieceStart < text.length()) {
            ends.add(to);
        }
    }

    private static char collapse(int cp) {
        if (cp < 128) {
            return (char) cp;
        }
        if (UnicodeCategories.isWhitespace(cp)) {
            return WHITESPACE_PLACEHOLDER;
        }
        return switch (UnicodeCategories.category(cp)) {
            case UnicodeCategories.NUMBER -> '\uE001';
            case UnicodeCategories.LETTER -> '\uE002';
            case UnicodeCategories.PUNCTUATION -> '\uE003';
            case UnicodeCategories.MARK -> '\uE004';
            case UnicodeCategories.SYMBOL -> '\uE005';
            default -> OTHER_PLACEHOLDER;
        };
    }

    /**
     * The regex with each {@code \p{X}} replaced by its placeholder and ASCII members, or null
     * when the regex uses none of them or uses other {@code \p} classes or non-ASCII characters
     * (as llama.cpp does, which refuses non-ASCII regexes with classes).
     */
    static String translateCollapsible(String regex) {
        boolean usesClass = false;
        StringBuilder out = new StringBuilder(regex.length() * 2);
        boolean insideBrackets = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c >= 128) {
                return null;
            }
            if (c == '\\' && i + 1 < regex.length()) {
                char next = regex.charAt(i + 1);
                if ((next == 'p' || next == 'P') && i + 4 < regex.length() && regex.charAt(i + 2) == '{' && regex.charAt(i + 4) == '}') {
                    String members = classMembers(regex.charAt(i + 3));
                    if (members == null || next == 'P') {
                        return null;
                    }
                    out.append(insideBrackets ? members : "[" + members + "]");
                    usesClass = true;
                    i += 4;
                    continue;
                }
                if (next == 'p' || next == 'P') {
                    return null; // \p{Lu} and other classes: not collapsible
                }
                out.append(c).append(next);
                i++;
                continue;
            }
            if (c == '[') {
                insideBrackets = true;
            } else if (c == ']') {
                insideBrackets = false;
            }
            out.append(c);
        }
        return usesClass ? out.toString() : null;
    }

    private static String classMembers(char name) {
        for (String[] cls : COLLAPSIBLE_CLASSES) {
            if (cls[0].charAt(0) == name) {
                return cls[1] + cls[2];
            }
        }
        return null;
    }
}
