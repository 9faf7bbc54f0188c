package dev.sparkllm.engine.model;

/**
 * The shape of a Llama-family decoder, whatever file it came from.
 *
 * @param architecture    "llama", "qwen2", "mistral"... (informational)
 * @param vocabSize       rows of the embedding and output matrices
 * @param dim             hidden size
 * @param ffnDim          feed-forward (SwiGLU) inner size
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
        float ropeLinearScale) {

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
    public int kvDim() { return kvHeads * headDim; }

    private static void requirePositive(String what, int value) {
        if (value <= 0) throw new IllegalArgumentException(what + " must be positive, got " + value);
    }
}
