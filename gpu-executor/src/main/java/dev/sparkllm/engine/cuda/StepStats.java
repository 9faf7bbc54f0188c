package dev.sparkllm.engine.cuda;

/**
 * What one engine step did on the GPU, for benchmarks: its tokens, how many chose a next token,
 * whether it was decode only, the bytes its attention read from the KV pool, the positions its
 * queries attend to (summed over tokens), and its wall time
 * (host clock around the whole step, the token copy back included).
 */
public record StepStats(int tokens, int logitRows, boolean decodeOnly, long kvBytesRead, long contextPositions, long nanos) {}
