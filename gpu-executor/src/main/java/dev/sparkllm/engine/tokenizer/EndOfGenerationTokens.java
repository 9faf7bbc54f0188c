package dev.sparkllm.engine.tokenizer;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Tokens that end generation although the model file does not name them as EOS: chat-turn ends
 * such as {@code <|im_end|>} or {@code <|eot_id|>}. Models are often exported with EOS set to one of
 * them only, and generating past the other would run on into a new turn. The list is llama.cpp's
 * (its {@code special_eog_ids}), less the fill-in-the-middle tokens it also adds.
 */
final class EndOfGenerationTokens {
    private static final Set<String> TEXTS = Set.of(
            "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<end_of_turn>",
            "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>", "<|end_of_text|>", "<end_of_utterance>");

    private EndOfGenerationTokens() {
    }

    /** The given ids (-1 skipped) followed by every token whose text is a known turn end, without repeats or {@code exceptId}. */
    static int[] collect(String[] tokens, int exceptId, int... namedIds) {
        Set<Integer> ids = new LinkedHashSet<>();
        for (int id : namedIds) {
            if (id >= 0 && id < tokens.length) {
                ids.add(id);
            }
        }
        for (int id = 0; id < tokens.length; id++) {
            if (TEXTS.contains(tokens[id])) {
                ids.add(id);
            }
        }
        ids.remove(exceptId);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
