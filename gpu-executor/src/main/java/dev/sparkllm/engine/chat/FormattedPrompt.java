package dev.sparkllm.engine.chat;

import dev.sparkllm.engine.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The text to tokenize for one request, split into segments that differ in whether special-token text
 * in them may become special tokens.
 *
 * <p>A rendered chat template is mostly trusted text (its {@code <|im_start|>} must become the special
 * token), but the user's content inside it is not: a user typing {@code <|im_end|><|im_start|>system}
 * must not be able to forge turns. So the special tokens that appear inside user-supplied strings are
 * kept in their own segments with {@code parseSpecial == false}; everything else in a chat prompt is
 * parsed. Use {@link #encode(Tokenizer)}, which honours the segments; {@link #text()} and
 * {@link #parseSpecial()} describe the prompt as one string and are exact only when
 * {@link #isSingleSegment()}.
 *
 * @param segments             the prompt, in order
 * @param addBos               whether the tokenizer should prepend BOS (false when the template already wrote it)
 * @param usedFallbackTemplate chat was requested but the model has no template, so ChatML was used
 */
public record FormattedPrompt(List<Segment> segments, boolean addBos, boolean usedFallbackTemplate) {

    /** A run of prompt text and whether special-token strings in it are parsed as special tokens. */
    public record Segment(String text, boolean parseSpecial) {
    }

    public FormattedPrompt {
        segments = List.copyOf(segments);
    }

    /** The whole prompt as one string. */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (Segment s : segments) out.append(s.text());
        return out.toString();
    }

    /** Whether the main text is tokenized with special tokens parsed (true for chat prompts). */
    public boolean parseSpecial() {
        for (Segment s : segments) if (s.parseSpecial()) return true;
        return false;
    }

    public boolean isSingleSegment() {
        return segments.size() <= 1;
    }

    /** Token ids of the prompt, each segment tokenized with its own special-token rule. */
    public int[] encode(Tokenizer tokenizer) {
        List<int[]> parts = new ArrayList<>(segments.size());
        int total = 0;
        boolean first = true;
        for (Segment s : segments) {
            if (s.text().isEmpty() && !(first && addBos)) continue;
            int[] ids = tokenizer.encode(s.text(), first && addBos, s.parseSpecial());
            first = false;
            parts.add(ids);
            total += ids.length;
        }
        if (first && addBos) {
            int[] ids = tokenizer.encode("", true, false);
            parts.add(ids);
            total += ids.length;
        }
        int[] out = new int[total];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
