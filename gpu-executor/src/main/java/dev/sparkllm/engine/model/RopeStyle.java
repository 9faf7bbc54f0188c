package dev.sparkllm.engine.model;

/**
 * Which pairs of a head's dimensions RoPE rotates together.
 * GGUF's llama conversion permutes Q/K rows so that adjacent dimensions (2i, 2i+1) form a pair;
 * Hugging Face checkpoints and Qwen2 keep the "rotate half" layout that pairs i with i + d/2.
 */
public enum RopeStyle {
    /** Pairs (2i, 2i+1): llama.cpp's LLAMA_ROPE_TYPE_NORM. */
    INTERLEAVED,
    /** Pairs (i, i + headDim/2): llama.cpp's NEOX type and Hugging Face's rotate_half. */
    HALF_SPLIT
}
