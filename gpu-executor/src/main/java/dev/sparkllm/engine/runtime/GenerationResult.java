package dev.sparkllm.engine.runtime;

/**
 * What one request produced. {@code error} is null on success; a failed request still has its id
 * and whatever counts are known, and {@code finishReason} "error".
 *
 * @param cachedTokens prompt tokens whose keys and values came from the KV pool (a prefix another
 *                     sequence computed) instead of being computed for this request
 */
public record GenerationResult(
        String id,
        String text,
        int[] tokenIds,
        String finishReason,
        int promptTokens,
        int completionTokens,
        int cachedTokens,
        String error) {

    public static GenerationResult failed(String id, int promptTokens, String error) {
        return new GenerationResult(id, null, new int[0], "error", promptTokens, 0, 0, error);
    }

    public boolean ok() { return error == null; }
}
