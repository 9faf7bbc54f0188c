package dev.sparkllm.engine.model;

/**
 * What one decoder family does differently from Llama, as data the one forward pass reads. Every
 * backend runs the same block with these switches; a family is a setting of them, not a class.
 *
 * @param embeddingScale   token embeddings are multiplied by this (Gemma: sqrt(hidden size)); 1 when off
 * @param activation       the feed-forward gate's activation (SwiGLU or GeGLU)
 * @param qkNorm           RMSNorm over each query and key head before RoPE (Qwen3, Gemma 3)
 * @param sandwichNorms    RMSNorm on the attention and feed-forward outputs before their residual
 *                         additions, besides the usual norms on their inputs (Gemma 2 and 3)
 * @param slidingWindow    positions a sliding layer attends to, itself included; 0 when none
 * @param slidingLayers    which layers slide (null when none): Gemma 3 has five sliding layers to
 *                         one global, Gemma 2 alternates, Mistral's every layer slides
 * @param slidingRopeTheta RoPE base of the sliding layers, which then rotate without the global
 *                         layers' scaling (Gemma 3's local base 10000); 0 when they share the global RoPE
 * @param attentionScale   the factor on q.k before the softmax; 0 for 1/sqrt(head dim)
 * @param attentionSoftcap scores become cap * tanh(score / cap) (Gemma 2); 0 when off
 * @param finalSoftcap     logits become cap * tanh(logit / cap) (Gemma 2); 0 when off
 */
public record ArchSwitches(
        float embeddingScale,
        Activation activation,
        boolean qkNorm,
        boolean sandwichNorms,
        int slidingWindow,
        boolean[] slidingLayers,
        float slidingRopeTheta,
        float attentionScale,
        float attentionSoftcap,
        float finalSoftcap) {

    /** The feed-forward gate: silu(gate) * up, or gelu_tanh(gate) * up. */
    public enum Activation { SILU, GELU_TANH }

    /** Llama, Mistral without its window, Qwen2: every switch off. */
    public static final ArchSwitches LLAMA = new ArchSwitches(1f, Activation.SILU, false, false, 0, null, 0f, 0f, 0f, 0f);

    public ArchSwitches {
        if (slidingWindow < 0) throw new IllegalArgumentException("sliding window must not be negative, got " + slidingWindow);
        if ((slidingWindow > 0) != (slidingLayers != null)) {
            throw new IllegalArgumentException("a sliding window needs the list of sliding layers, and the list a window");
        }
        if (attentionSoftcap < 0 || finalSoftcap < 0) throw new IllegalArgumentException("soft caps must not be negative");
    }

    /**
     * The sliding layers of a repeating pattern, as llama.cpp's set_swa_pattern writes them: in
     * every run of {@code period} layers the last is global (Gemma 3: 6, Gemma 2: 2); a period of
     * 1 or less makes every layer slide (Mistral).
     */
    public static boolean[] everyNthGlobal(int layers, int period) {
        boolean[] sliding = new boolean[layers];
        for (int l = 0; l < layers; l++) sliding[l] = period <= 1 || l % period < period - 1;
        return sliding;
    }

    /** The positions layer {@code layer} attends to behind and at the query, or 0 for all of them. */
    public int window(int layer) {
        return slidingLayers != null && slidingLayers[layer] ? slidingWindow : 0;
    }

    /** Whether layer {@code layer} rotates with its own local RoPE base. */
    public boolean localRope(int layer) {
        return slidingRopeTheta > 0 && window(layer) > 0;
    }

    public ArchSwitches withSliding(int window, boolean[] layers) {
        return new ArchSwitches(embeddingScale, activation, qkNorm, sandwichNorms, window, layers, slidingRopeTheta,
                attentionScale, attentionSoftcap, finalSoftcap);
    }
}
