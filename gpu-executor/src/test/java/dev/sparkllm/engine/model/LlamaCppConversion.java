package dev.sparkllm.engine.model;

/**
 * The steps of llama.cpp's convert_hf_to_gguf.py that change numbers or names, rewritten here from
 * the converter (not from the engine) so the cross-format tests check the engine against it.
 */
final class LlamaCppConversion {
    private LlamaCppConversion() {}

    /**
     * LlamaModel.permute: within each head, rows (j * hd/2 + i) move to (2i + j), turning
     * Hugging Face's rotate-half pairs (i, i + hd/2) into the adjacent pairs llama.cpp's
     * LLAMA_ROPE_TYPE_NORM rotates. K is permuted by kv head, as the converter passes n_head_kv.
     */
    static float[] permuteRows(float[] hfRows, int heads, int cols) {
        int rowsPerHead = hfRows.length / cols / heads;
        int half = rowsPerHead / 2;
        float[] out = new float[hfRows.length];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                for (int j = 0; j < 2; j++) {
                    int from = h * rowsPerHead + j * half + i;
                    int to = h * rowsPerHead + 2 * i + j;
                    System.arraycopy(hfRows, from * cols, out, to * cols, cols);
                }
            }
        }
        return out;
    }

    /** The converter's tensor_mapping for the Llama-family names this engine loads. */
    static String ggufName(String hfName) {
        String name = hfName
                .replace("model.embed_tokens.", "token_embd.")
                .replace("model.norm.", "output_norm.")
                .replace("lm_head.", "output.")
                .replace("model.layers.", "blk.")
                .replace(".input_layernorm.", ".attn_norm.")
                .replace(".self_attn.q_proj.", ".attn_q.")
                .replace(".self_attn.k_proj.", ".attn_k.")
                .replace(".self_attn.v_proj.", ".attn_v.")
                .replace(".self_attn.o_proj.", ".attn_output.")
                .replace(".post_attention_layernorm.", ".ffn_norm.")
                .replace(".mlp.gate_proj.", ".ffn_gate.")
                .replace(".mlp.up_proj.", ".ffn_up.")
                .replace(".mlp.down_proj.", ".ffn_down.");
        if (name.equals(hfName)) throw new IllegalArgumentException("no GGUF name for " + hfName);
        return name;
    }

    /**
     * LlamaModel.generate_extra_tensors for rope_type "llama3": one divisor per frequency, 1 for
     * short wavelengths, {@code factor} for long ones, 1 / ((1 - smooth) / factor + smooth) between.
     * Frequencies in float32 as the converter's torch.arange(..., dtype=float32) makes them.
     * (The converter reads original_max_position_embeddings from the top level of config.json,
     * default 8192, which is what Llama 3.1 has inside rope_scaling; the tests pass the value
     * their config holds in rope_scaling.)
     */
    static float[] llama3RopeFactors(int headDim, float theta, float factor, float lowFreqFactor,
                                     float highFreqFactor, int oldContext) {
        float lowFreqWavelen = oldContext / lowFreqFactor;
        float highFreqWavelen = oldContext / highFreqFactor;
        float[] factors = new float[headDim / 2];
        for (int i = 0; i < factors.length; i++) {
            float freq = (float) (1.0 / Math.pow(theta, (float) (2 * i) / headDim));
            float wavelen = (float) (2 * Math.PI / freq);
            if (wavelen < highFreqWavelen) {
                factors[i] = 1f;
            } else if (wavelen > lowFreqWavelen) {
                factors[i] = factor;
            } else {
                float smooth = (oldContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                factors[i] = 1f / ((1 - smooth) / factor + smooth);
            }
        }
        return factors;
    }
}
