package dev.sparkllm.engine.runtime;

/**
 * What one request produced. {@code error} is null on success; a failed request still has its id
 * and whatever counts are known, and {@code finishReason} "error".
 */
public record GenerationResult(
        String id,
        String text,
        int[] tokenIds,
        String finishReason,
        int promptTokens,
        int completionTokens,
        String error) {

    public static GenerationResult failed(String id, int promptTokens, String error) {
        return new GenerationResult(id, null, new int[0], "error", promptTokens, 0, error);
    }

    public boolean ok() { return error == null; }
}
