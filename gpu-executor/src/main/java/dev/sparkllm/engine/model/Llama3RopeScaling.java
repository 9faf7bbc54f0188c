package dev.sparkllm.engine.model;

/**
 * Llama 3.1's RoPE frequency scaling, expressed as one divisor per frequency (the form GGUF
 * stores in {@code rope_freqs.weight}): long wavelengths are slowed by {@code factor}, short ones
 * kept, and the band between interpolated smoothly.
 */
public final class Llama3RopeScaling {
    private Llama3RopeScaling() {}

    public static float[] freqFactors(int headDim, float theta, float factor, float lowFreqFactor,
                                      float highFreqFactor, int originalContext) {
        float[] divisors = new float[headDim / 2];
        double lowFreqWavelen = originalContext / (double) lowFreqFactor;
        double highFreqWavelen = originalContext / (double) highFreqFactor;
        for (int i = 0; i < divisors.length; i++) {
            double freq = Math.pow(theta, -2.0 * i / headDim);
            double wavelen = 2 * Math.PI / freq;
            double scaled;
            if (wavelen < highFreqWavelen) {
                scaled = freq;
            } else if (wavelen > lowFreqWavelen) {
                scaled = freq / factor;
            } else {
                double smooth = (originalContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                scaled = (1 - smooth) * freq / factor + smooth * freq;
            }
            divisors[i] = (float) (freq / scaled);
        }
        return divisors;
    }
}
