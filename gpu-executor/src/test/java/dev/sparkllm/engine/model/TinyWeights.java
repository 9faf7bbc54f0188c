package dev.sparkllm.engine.model;

import dev.sparkllm.engine.cpu.Float16;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Random weights of a tiny Llama-family model under their Hugging Face names and shapes
 * ([out, in] for matrices), in the order a checkpoint lists them. Matrices and biases are
 * N(0, 0.1): large enough that attention is far from uniform (so a RoPE or layout mistake moves
 * the logits), small enough that activations stay near 1. Norm weights are 1 + N(0, 0.1), as
 * trained norms are.
 */
final class TinyWeights {
    /** One tensor: HF shape (rows, cols; cols is 1 for a vector) and row-major values. */
    record Tensor(int rows, int cols, float[] values, boolean vector) {
    }

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    static TinyWeights random(TinyLlamaShape s, int vocab, boolean qkvBias, boolean tied, long seed) {
        Random rnd = new Random(seed);
        TinyWeights w = new TinyWeights();
        w.matrix("model.embed_tokens.weight", vocab, s.dim(), rnd);
        for (int l = 0; l < s.layers(); l++) {
            String p = "model.layers." + l + ".";
            w.norm(p + "input_layernorm.weight", s.dim(), rnd);
            w.matrix(p + "self_attn.q_proj.weight", s.qDim(), s.dim(), rnd);
            w.matrix(p + "self_attn.k_proj.weight", s.kvDim(), s.dim(), rnd);
            w.matrix(p + "self_attn.v_proj.weight", s.kvDim(), s.dim(), rnd);
            if (qkvBias) {
                w.bias(p + "self_attn.q_proj.bias", s.qDim(), rnd);
                w.bias(p + "self_attn.k_proj.bias", s.kvDim(), rnd);
                w.bias(p + "self_attn.v_proj.bias", s.kvDim(), rnd);
            }
            w.matrix(p + "self_attn.o_proj.weight", s.dim(), s.qDim(), rnd);
            w.norm(p + "post_attention_layernorm.weight", s.dim(), rnd);
            w.matrix(p + "mlp.gate_proj.weight", s.ffnDim(), s.dim(), rnd);
            w.matrix(p + "mlp.up_proj.weight", s.ffnDim(), s.dim(), rnd);
            w.matrix(p + "mlp.down_proj.weight", s.dim(), s.ffnDim(), rnd);
        }
        w.norm("model.norm.weight", s.dim(), rnd);
        if (!tied) w.matrix("lm_head.weight", vocab, s.dim(), rnd);
        return w;
    }

    Map<String, Tensor> tensors() {
        return tensors;
    }

    /** Every value rounded to what {@code dtype} can hold, so an F32 copy holds exactly the same numbers. */
    TinyWeights roundedTo(String dtype) {
        TinyWeights out = new TinyWeights();
        tensors.forEach((name, t) -> {
            float[] v = t.values().clone();
            for (int i = 0; i < v.length; i++) v[i] = round(v[i], dtype);
            out.tensors.put(name, new Tensor(t.rows(), t.cols(), v, t.vector()));
        });
        return out;
    }

    static float round(float v, String dtype) {
        return switch (dtype) {
            case "F32" -> v;
            case "F16" -> Float16.toFloat(Float16.fromFloat(v));
            // BF16 as torch rounds it: to nearest, ties to even, on the top 16 bits (values here are finite).
            case "BF16" -> {
                int bits = Float.floatToRawIntBits(v);
                int rounded = (bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000;
                yield Float.intBitsToFloat(rounded);
            }
            default -> throw new IllegalArgumentException("dtype " + dtype);
        };
    }

    private void matrix(String name, int rows, int cols, Random rnd) {
        tensors.put(name, new Tensor(rows, cols, gaussian(rows * cols, 0f, rnd), false));
    }

    private void bias(String name, int n, Random rnd) {
        tensors.put(name, new Tensor(n, 1, gaussian(n, 0f, rnd), true));
    }

    private void norm(String name, int n, Random rnd) {
        tensors.put(name, new Tensor(n, 1, gaussian(n, 1f, rnd), true));
    }

    private static float[] gaussian(int n, float mean, Random rnd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = mean + 0.1f * (float) rnd.nextGaussian();
        return v;
    }
}
