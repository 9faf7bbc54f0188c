package dev.sparkllm.engine.chat;

import dev.sparkllm.engine.chat.FormattedPrompt.Segment;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps special tokens typed by users from acting as special tokens in a rendered chat prompt, the way
 * transformers' {@code sanitize_control_tokens} does: before rendering, each special-token string in a
 * user-supplied string is wrapped in two marker characters; after rendering, the prompt is split at the
 * markers and the wrapped text is tokenized as plain text.
 *
 * <p>The markers are the Unicode noncharacters U+FDD0 and U+FDD1, which are reserved for exactly this
 * kind of internal use and never appear in real text; any a user sends are removed first so markers
 * cannot be forged. A template that cuts user text apart (e.g. {@code split('</think>')}) may separate
 * a pair; lone markers are dropped but still end a segment, so the text on either side cannot join up
 * into a special token.
 */
final class SpecialTokenMarks {

    static final char START = '\uFDD0';
    static final char END = '\uFDD1';

    /** Special tokens by first character, longest first, so the longest match wins. */
    private final Map<Character, List<String>> byFirstChar = new HashMap<>();

    SpecialTokenMarks(Collection<String> specialTokens) {
        for (String token : specialTokens) {
            if (token == null || token.isEmpty()) continue;
            byFirstChar.computeIfAbsent(token.charAt(0), c -> new ArrayList<>()).add(token);
        }
        byFirstChar.values().forEach(list -> list.sort(Comparator.comparingInt(String::length).reversed()));
    }

    /** The user string with marker characters removed and every special token wrapped in markers. */
    String mark(String userText) {
        if (userText == null) return null;
        StringBuilder out = new StringBuilder(userText.length() + 8);
        int i = 0;
        while (i < userText.length()) {
            char c = userText.charAt(i);
            if (c == START || c == END) {
                i++;
                continue;
            }
            String match = matchAt(userText, i);
            if (match != null) {
                out.append(START).append(match).append(END);
                i += match.length();
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private String matchAt(String text, int at) {
        List<String> candidates = byFirstChar.get(text.charAt(at));
        if (candidates == null) return null;
        for (String token : candidates) {
            if (text.startsWith(token, at)) return token;
        }
        return null;
    }

    /** Splits a rendered prompt at the markers: marked text is not parsed, the rest is. */
    static List<Segment> split(String rendered) {
        List<Segment> segments = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inside = false;
        for (int i = 0; i < rendered.length(); i++) {
            char c = rendered.charAt(i);
            if (c == START || c == END) {
                if (current.length() > 0) segments.add(new Segment(current.toString(), !inside));
                current.setLength(0);
                inside = c == START && rendered.indexOf(END, i + 1) >= 0 && isPairedAhead(rendered, i + 1);
                continue;
            }
            current.append(c);
        }
        if (current.length() > 0) segments.add(new Segment(current.toString(), !inside));
        return segments;
    }

    /** A START opens a marked run only if an END comes before any other START. */
    private static boolean isPairedAhead(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == END) return true;
            if (s.charAt(i) == START) return false;
        }
        return false;
    }
}
