package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.model.ModelConfig;
import dev.sparkllm.engine.model.RopeStyle;

/**
 * Rotary position embedding. Pair i of every head turns by {@code position * invFreq[i]}, where
 * invFreq[i] = theta^(-2i/headDim), divided by the Llama 3.1 frequency factor when the model has
 * one, and positions are divided by the linear scaling factor. A layer with its own local base
 * (Gemma 3's sliding layers) has its own Rope.
 */
final class Rope {
    private final int headDim;
    private final RopeStyle style;
    private final float positionScale;
    private final double[] invFreq;

    Rope(ModelConfig c, int layer) {
        headDim = c.headDim();
        style = c.ropeStyle();
        positionScale = 1f / c.ropeLinearScale(layer);
        invFreq = c.ropeInverseFrequencies(layer);
    }

    /** Rotates {@code heads} consecutive heads starting at {@code offset} for {@code position}. */
    void apply(float[] vec, int offset, int heads, int position) {
        int half = headDim / 2;
        double pos = position * (double) positionScale;
        for (int i = 0; i < half; i++) {
            double angle = pos * invFreq[i];
            float cos = (float) Math.cos(angle);
            float sin = (float) Math.sin(angle);
            for (int h = 0; h < heads; h++) {
                int base = offset + h * headDim;
                int a = style == RopeStyle.INTERLEAVED ? base + 2 * i : base + i;
                int b = style == RopeStyle.INTERLEAVED ? a + 1 : base + i + half;
                float x0 = vec[a];
                float x1 = vec[b];
                vec[a] = x0 * cos - x1 * sin;
                vec[b] = x0 * sin + x1 * cos;
            }
        }
    }
}
