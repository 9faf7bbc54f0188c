package dev.sparkllm.engine.sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * Watches a request's decoded text, fed incrementally, for its stop strings.
 *
 * <p>Each {@link #append} returns the text that is now safe to emit: everything except a tail that could
 * still grow into a stop string (held back until the next chunk decides it). When a stop string
 * completes, generation should end with finish reason "stop"; the text before the stop string is
 * emitted and the stop string itself is not (as in OpenAI and vLLM).
 *
 * <p>The stop happens where a stop string first <em>ends</em> in the text, and among stop strings ending
 * at the same place the longest wins. This makes the result independent of how the text was chunked:
 * token by token or all at once, the same stop is found (e.g. stops {@code ["bc", "abcd"]} on
 * "abcd" stop at "bc", which is what a token-by-token stream would see first).
 *
 * <p>A trailing high surrogate is also held back, so emitted text never ends mid-character.
 */
public final class StopStringMatcher {

    /** What one append produced. */
    public record Result(String emit, boolean stopped, String stopString) {
    }

    private final List<String> stops;
    private final int longestStop;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    /** @param stopStrings the request's stop strings; empty ones are not allowed */
    public StopStringMatcher(List<String> stopStrings) {
        this.stops = new ArrayList<>(stopStrings);
        int longest = 0;
        for (String s : stops) {
            if (s == null || s.isEmpty()) throw new IllegalArgumentException("stop strings must be non-empty");
            longest = Math.max(longest, s.length());
        }
        this.longestStop = longest;
    }

    /** Feeds the next piece of decoded text. After a stop, further text is ignored. */
    public Result append(String chunk) {
        if (stopped) return new Result("", true, null);
        pending.append(chunk);
        int bestEnd = Integer.MAX_VALUE;
        int bestStart = 0;
        String bestStop = null;
        for (String stop : stops) {
            int at = pending.indexOf(stop);
            if (at < 0) continue;
            int end = at + stop.length();
            if (end < bestEnd || (end == bestEnd && at < bestStart)) {
                bestEnd = end;
                bestStart = at;
                bestStop = stop;
            }
        }
        if (bestStop != null) {
            stopped = true;
            String emit = pending.substring(0, bestStart);
            pending.setLength(0);
            return new Result(emit, true, bestStop);
        }
        int keep = heldBackLength();
        String emit = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return new Result(emit, false, null);
    }

    /** The held-back tail, to emit when generation ends for another reason (EOS, length). */
    public String flush() {
        String rest = stopped ? "" : pending.toString();
        pending.setLength(0);
        return rest;
    }

    /** Text received but not yet emitted. */
    public String heldBack() {
        return pending.toString();
    }

    public boolean stopped() {
        return stopped;
    }

    /** Length of the longest suffix of pending that is a proper prefix of some stop string. */
    private int heldBackLength() {
        int max = Math.min(pending.length(), longestStop - 1);
        for (int k = max; k > 0; k--) {
            int from = pending.length() - k;
            for (String stop : stops) {
                if (stop.length() > k && regionMatches(from, stop, k)) return keepWholeCharacter(k);
            }
        }
        return keepWholeCharacter(0);
    }

    private boolean regionMatches(int from, String stop, int length) {
        for (int i = 0; i < length; i++) {
            if (pending.charAt(from + i) != stop.charAt(i)) return false;
        }
        return true;
    }

    /** Never emit a lone high surrogate: hold it back with the tail. */
    private int keepWholeCharacter(int keep) {
        int cut = pending.length() - keep;
        if (cut > 0 && Character.isHighSurrogate(pending.charAt(cut - 1))) return keep + 1;
        return keep;
    }
}
