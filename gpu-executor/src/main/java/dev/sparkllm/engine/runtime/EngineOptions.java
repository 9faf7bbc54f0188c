package dev.sparkllm.engine.runtime;

/**
 * @param maxSequences  sequences decoded together in one step (the running batch)
 * @param maxStepTokens tokens in one forward step, prefill chunks included; bounds activation memory
 * @param maxContext    longest sequence (prompt + output) allowed; capped by the model's context
 */
public record EngineOptions(int maxSequences, int maxStepTokens, int maxContext) {
    public static final EngineOptions DEFAULT = new EngineOptions(16, 512, 4096);

    public EngineOptions {
        if (maxSequences < 1) throw new IllegalArgumentException("maxSequences must be >= 1");
        if (maxStepTokens < maxSequences) throw new IllegalArgumentException("maxStepTokens must be >= maxSequences");
        if (maxContext < 2) throw new IllegalArgumentException("maxContext must be >= 2");
    }
}
