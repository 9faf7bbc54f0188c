package dev.sparkllm.engine.model;

/**
 * The shape of a decoder of the Llama family and its relatives (Qwen3, Gemma 2 and 3), whatever
 * file it came from; how a family departs from Llama is in {@link ArchSwitches}.
 *
 * @param architecture    "llama", "qwen2", "gemma3"... (informational: the switches decide)
 * @param vocabSize       rows of the embedding and output matrices
 * @param dim             hidden size
 * @param ffnDim          feed-forward (SwiGLU or GeGLU) inner size
 * @param layers          transformer blocks
 * @param heads           query heads
 * @param kvHeads         key/value heads (grouped-query attention when fewer than heads)
 * @param headDim         dimensions per head
 * @param contextLength   the longest sequence the model was trained for
 * @param rmsEps          RMSNorm epsilon
 * @param ropeTheta       RoPE base frequency
 * @param ropeStyle       which dimension pairs RoPE rotates
 * @param ropeFreqFactors per-frequency divisors (Llama 3.1 scaling), or null
 * @param ropeLinearScale positions are divided by this (linear RoPE scaling); 1 when off
 * @param switches        the family's departures from Llama
 */
public record ModelConfig(
        String architecture,
        int vocabSize,
        int dim,
        int ffnDim,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int contextLength,
        float rmsEps,
        float ropeTheta,
        RopeStyle ropeStyle,
        float[] ropeFreqFactors,
        float ropeLinearScale,
        ArchSwitches switches) {

    public ModelConfig {
        requirePositive("vocab size", vocabSize);
        requirePositive("hidden size", dim);
        requirePositive("feed-forward size", ffnDim);
        requirePositive("layer count", layers);
        requirePositive("head count", heads);
        requirePositive("kv head count", kvHeads);
        requirePositive("head dim", headDim);
        requirePositive("context length", contextLength);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("head count " + heads + " is not a multiple of kv head count " + kvHeads);
        }
        if (headDim % 2 != 0) throw new IllegalArgumentException("head dim must be even for RoPE, got " + headDim);
        if (ropeFreqFactors != null && ropeFreqFactors.length != headDim / 2) {
            throw new IllegalArgumentException("rope_freqs has " + ropeFreqFactors.length + " entries, expected " + headDim / 2);
        }
        if (switches == null) throw new IllegalArgumentException("switches must not be null");
        if (switches.slidingLayers() != null && switches.slidingLayers().length != layers) {
            throw new IllegalArgumentException("sliding layer list has " + switches.slidingLayers().length + " entries for " + layers + " layers");
        }
    }

    /** A plain Llama-family model: every switch off. */
    public ModelConfig(String architecture, int vocabSize, int dim, int ffnDim, int layers, int heads, int kvHeads,
                       int headDim, int contextLength, float rmsEps, float ropeTheta, RopeStyle ropeStyle,
                       float[] ropeFreqFactors, float ropeLinearScale) {
        this(architecture, vocabSize, dim, ffnDim, layers, heads, kvHeads, headDim, contextLength, rmsEps, ropeTheta,
                ropeStyle, ropeFreqFactors, ropeLinearScale, ArchSwitches.LLAMA);
    }

    public int qDim() { return heads * headDim; }

    /**
     * RoPE's inverse frequency of each dimension pair: theta^(-2i/headDim), divided by the Llama 3.1
     * frequency factor when the model has one. Every backend rotates with these same numbers.
     */
    public double[] ropeInverseFrequencies() {
        double[] f = new double[headDim / 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = Math.pow(ropeTheta, -2.0 * i / headDim);
            if (ropeFreqFactors != null) f[i] /= ropeFreqFactors[i];
        }
        return f;
    }

    /**
     * The inverse frequencies layer {@code layer} rotates with: a sliding layer with its own base
     * (Gemma 3's local layers) uses that base and none of the global scaling, as Hugging Face's
     * rotary_emb_local and llama.cpp's rope_freq_base_train_swa do.
     */
    public double[] ropeInverseFrequencies(int layer) {
        if (!switches.localRope(layer)) return ropeInverseFrequencies();
        double[] f = new double[headDim / 2];
        for (int i = 0; i < f.length; i++) f[i] = Math.pow(switches.slidingRopeTheta(), -2.0 * i / headDim);
        return f;
    }

    /** Positions of layer {@code layer} are divided by this before RoPE. */
    public float ropeLinearScale(int layer) {
        return switches.localRope(layer) ? 1f : ropeLinearScale;
    }

    /** The factor on q.k before the softmax. */
    public float attentionScale() {
        return switches.attentionScale() > 0 ? switches.attentionScale() : (float) (1.0 / Math.sqrt(headDim));
    }
    public int kvDim() { return kvHeads * headDim; }

    private static void requirePositive(String what, int value) {
        if (value <= 0) throw new IllegalArgumentException(what + " must be positive, got " + value);
    }
}
