package dev.sparkllm.engine.runtime;

import dev.sparkllm.engine.chat.ChatMessage;
import dev.sparkllm.engine.sampling.SamplingParams;

import java.util.List;

/**
 * One row to generate for. Exactly one of {@code prompt}, {@code messages} or
 * {@code promptTokens} is normally set; a request with none gets an error result.
 *
 * @param chat   whether to apply the model's chat template to a plain prompt (null: yes when the
 *               model has one)
 * @param system optional system message put before a plain prompt in chat mode
 * @param parseSpecial whether special-token text in a prompt that goes in without the chat template
 *               ({@code <|im_start|>}, {@code <end_of_turn>}...) becomes the special tokens, as
 *               llama.cpp and vLLM do (null: yes). Users who write their own template need it.
 *               A chat-templated prompt never parses the user's content, whatever this says.
 */
public record GenerationRequest(
        String id,
        String prompt,
        List<ChatMessage> messages,
        int[] promptTokens,
        SamplingParams params,
        Boolean chat,
        String system,
        Boolean parseSpecial) {

    /** A request with the default special-token parsing. */
    public GenerationRequest(String id, String prompt, List<ChatMessage> messages, int[] promptTokens,
                             SamplingParams params, Boolean chat, String system) {
        this(id, prompt, messages, promptTokens, params, chat, system, null);
    }

    /** Whether a prompt without the chat template parses special tokens: {@link #parseSpecial}, default true. */
    public boolean parsesSpecialTokens() {
        return parseSpecial == null || parseSpecial;
    }

    public static GenerationRequest ofPrompt(String id, String prompt, SamplingParams params) {
        return new GenerationRequest(id, prompt, null, null, params, null, null);
    }

    public static GenerationRequest ofTokens(String id, int[] tokens, SamplingParams params) {
        return new GenerationRequest(id, null, null, tokens, params, false, null);
    }
}
