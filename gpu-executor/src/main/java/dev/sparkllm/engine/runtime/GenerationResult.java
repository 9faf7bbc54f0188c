package dev.sparkllm.engine.runtime;

import dev.sparkllm.engine.sampling.TokenLogprob;

import java.util.List;

/**
 * What one request produced. {@code error} is null on success; a failed request still has its id
 * and whatever counts are known, and {@code finishReason} "error".
 *
 * @param cachedTokens prompt tokens whose keys and values came from the KV pool (a prefix another
 *                     sequence computed) instead of being computed for this request
 * @param logprobs     each generated token's log-probability with its alternatives, in order; empty
 *                     when the request did not ask (see {@code SamplingParams#logprobs})
 */
public record GenerationResult(
        String id,
        String text,
        int[] tokenIds,
        String finishReason,
        int promptTokens,
        int completionTokens,
        int cachedTokens,
        String error,
        List<TokenLogprob> logprobs) {

    public GenerationResult {
        logprobs = logprobs == null ? List.of() : List.copyOf(logprobs);
    }

    /** A result without log-probabilities. */
    public GenerationResult(String id, String text, int[] tokenIds, String finishReason, int promptTokens,
                            int completionTokens, int cachedTokens, String error) {
        this(id, text, tokenIds, finishReason, promptTokens, completionTokens, cachedTokens, error, List.of());
    }

    public static GenerationResult failed(String id, int promptTokens, String error) {
        return new GenerationResult(id, null, new int[0], "error", promptTokens, 0, 0, error, List.of());
    }

    public boolean ok() { return error == null; }
}
