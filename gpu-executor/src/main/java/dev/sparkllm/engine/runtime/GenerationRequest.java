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
 */
public record GenerationRequest(
        String id,
        String prompt,
        List<ChatMessage> messages,
        int[] promptTokens,
        SamplingParams params,
        Boolean chat,
        String system) {

    public static GenerationRequest ofPrompt(String id, String prompt, SamplingParams params) {
        return new GenerationRequest(id, prompt, null, null, params, null, null);
    }

    public static GenerationRequest ofTokens(String id, int[] tokens, SamplingParams params) {
        return new GenerationRequest(id, null, null, tokens, params, false, null);
    }
}
