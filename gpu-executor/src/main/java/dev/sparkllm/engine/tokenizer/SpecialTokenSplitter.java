package dev.sparkllm.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts the special-token strings out of a text before the BPE model sees it, the way llama.cpp's
 * {@code tokenizer_st_partition} does: tokens are taken longest first (by UTF-8 length, ties by id),
 * each one everywhere it occurs, left to right, in text that no longer-token occurrence took.
 *
 * <p>Control and unknown tokens are cut only when the caller asks to parse special tokens;
 * user-defined tokens always are (as in llama.cpp and Hugging Face, where added non-special
 * tokens are matched in any text).
 */
final class SpecialTokenSplitter {
    /** A piece of the text: raw text when {@code tokenId} is -1, else one special token. */
    record Fragment(int start, int end, int tokenId) {
        boolean isText() {
            return tokenId < 0;
        }
    }

    private final Candidates all;
    private final Candidates userDefinedOnly;

    SpecialTokenSplitter(Vocabulary vocab) {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < vocab.size(); id++) {
            if (vocab.isSplitOut(id) && vocab.token(id) != null && !vocab.token(id).isEmpty()) {
                ids.add(id);
            }
        }
        ids.sort(Comparator.comparingInt((Integer id) -> -vocab.token(id).getBytes(StandardCharsets.UTF_8).length)
                .thenComparingInt(id -> id));
        all = new Candidates(vocab, ids);
        userDefinedOnly = new Candidates(vocab, ids.stream().filter(id -> vocab.type(id) == TokenType.USER_DEFINED).toList());
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        Candidates candidates = parseSpecial ? all : userDefinedOnly;
        if (candidates.isEmpty() || text.isEmpty()) {
            return text.isEmpty() ? List.of() : List.of(new Fragment(0, text.length(), -1));
        }
        // Every occurrence of every candidate, as (priority << 32 | start).
        long[] occurrences = candidates.findAll(text);
        Arrays.sort(occurrences);
        boolean[] taken = new boolean[text.length()];
        int[] tokenAt = new int[text.length()];
        Arrays.fill(tokenAt, -1);
        for (long occurrence : occurrences) {
            int priority = (int) (occurrence >>> 32);
            int start = (int) occurrence;
            int length = candidates.text(priority).length();
            if (!anyTaken(taken, start, start + length)) {
                Arrays.fill(taken, start, start + length, true);
                tokenAt[start] = candidates.id(priority);
            }
        }
        List<Fragment> fragments = new ArrayList<>();
        int textStart = 0;
        int i = 0;
        while (i < text.length()) {
            if (tokenAt[i] < 0) {
                i++;
                continue;
            }
            if (i > textStart) {
                fragments.add(new Fragment(textStart, i, -1));
            }
            int end = i + candidates.textOfId(tokenAt[i]).length();
            fragments.add(new Fragment(i, end, tokenAt[i]));
            i = end;
            textStart = end;
        }
        if (textStart < text.length()) {
            fragments.add(new Fragment(textStart, text.length(), -1));
        }
        return fragments;
    }

    private static boolean anyTaken(boolean[] taken, int from, int to) {
        for (int i = from; i < to; i++) {
            if (taken[i]) {
                return true;
            }
        }
        return false;
    }

    /** Special tokens in priority order, indexed by first character for a single pass over the text. */
    private static final class Candidates {
        private final String[] texts;
        private final int[] ids;
        private final Map<Integer, String> textById = new HashMap<>();
        private final boolean[] startsSomeToken = new boolean[Character.MAX_VALUE + 1];
        private final Map<Character, int[]> prioritiesByFirstChar = new HashMap<>();

        Candidates(Vocabulary vocab, List<Integer> idsInPriorityOrder) {
            texts = new String[idsInPriorityOrder.size()];
            ids = new int[texts.length];
            Map<Character, List<Integer>> byFirst = new HashMap<>();
            for (int p = 0; p < texts.length; p++) {
                ids[p] = idsInPriorityOrder.get(p);
                texts[p] = vocab.token(ids[p]);
                textById.put(ids[p], texts[p]);
                char first = texts[p].charAt(0);
                startsSomeToken[first] = true;
                byFirst.computeIfAbsent(first, c -> new ArrayList<>()).add(p);
            }
            byFirst.forEach((c, list) -> prioritiesByFirstChar.put(c, list.stream().mapToInt(Integer::intValue).toArray()));
        }

        boolean isEmpty() {
            return texts.length == 0;
        }

        String text(int priority) {
            return texts[priority];
        }

        int id(int priority) {
            return ids[priority];
        }

        String textOfId(int id) {
            return textById.get(id);
        }

        long[] findAll(String text) {
            long[] found = new long[16];
            int n = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (!startsSomeToken[c]) {
                    continue;
                }
                for (int priority : prioritiesByFirstChar.get(c)) {
                    if (text.startsWith(texts[priority], i)) {
                        if (n == found.length) {
                            found = Arrays.copyOf(found, n * 2);
                        }
                        found[n++] = ((long) priority << 32) | i;
                    }
                }
            }
            return Arrays.copyOf(found, n);
        }
    }
}
