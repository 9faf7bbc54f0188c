package dev.sparkllm.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkllm.engine.format.ModelFormatException;
import dev.sparkllm.engine.format.SafetensorsIndex;
import dev.sparkllm.engine.tensor.WeightTensor;
import dev.sparkllm.engine.tokenizer.HfTokenizerJson;
import dev.sparkllm.engine.tokenizer.TokenizerSpec;
import dev.sparkllm.engine.tokenizer.Tokenizers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * Loads a Hugging Face model directory: {@code config.json}, safetensors weights (one file or an
 * index with shards) and {@code tokenizer.json}, with the chat template from
 * {@code tokenizer_config.json} when present.
 */
public final class HfModelLoader {
    private static final Set<String> MODEL_TYPES = Set.of("llama", "mistral", "qwen2", "qwen3", "gemma2", "gemma3_text");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** GGUF's token type "unused" (tokenizer.TokenType.UNUSED, not visible from this package). */
    private static final int UNUSED_TOKEN_TYPE = 5;

    private HfModelLoader() {}

    public static LoadedModel load(Path dir) throws IOException {
        String source = dir.getFileName().toString();
        JsonNode cfg = readJson(dir.resolve("config.json"), source);
        ModelConfig config = readConfig(cfg, source);
        TokenizerSpec spec = padToVocabSize(HfTokenizerJson.load(dir.resolve("tokenizer.json")), config.vocabSize(), source);
        JsonNode tokCfg = Files.exists(dir.resolve("tokenizer_config.json"))
                ? readJson(dir.resolve("tokenizer_config.json"), source) : JSON.createObjectNode();
        SafetensorsIndex weightsFile = SafetensorsIndex.open(dir);
        try {
            boolean tied = cfg.path("tie_word_embeddings").asBoolean(false) || !weightsFile.hasTensor("lm_head.weight");
            ModelWeights weights = readWeights(weightsFile, config, tied, isGemma(config.architecture()));
            WeightShapes.validate(config, weights, source);
            return new LoadedModel(source, config, weights, Tokenizers.create(spec),
                    textOrNull(tokCfg.path("chat_template")),
                    tokenString(tokCfg.path("bos_token")), tokenString(tokCfg.path("eos_token")), weightsFile);
        } catch (IOException | RuntimeException e) {
            weightsFile.close();
            throw e;
        }
    }

    /**
     * Models such as Qwen2.5 pad vocab_size past the tokenizer (151936 embedding rows for 151665
     * tokens). The padding rows still get logits and can be sampled, so they need tokens: named
     * {@code "[PAD<id>]"} with type unused, as llama.cpp's converter names them in the GGUF it writes.
     */
    static TokenizerSpec padToVocabSize(TokenizerSpec spec, int vocabSize, String source) throws ModelFormatException {
        int count = spec.tokens().length;
        if (count > vocabSize) {
            throw new ModelFormatException(source + ": tokenizer.json has " + count + " tokens but config.json's vocab_size is "
                    + vocabSize + ": token ids past the embedding could not be run");
        }
        if (count == vocabSize) return spec;
        String[] tokens = Arrays.copyOf(spec.tokens(), vocabSize);
        int[] types = spec.tokenTypes() == null ? null : Arrays.copyOf(spec.tokenTypes(), vocabSize);
        for (int id = count; id < vocabSize; id++) {
            tokens[id] = "[PAD" + id + "]";
            if (types != null) types[id] = UNUSED_TOKEN_TYPE;
        }
        float[] scores = spec.scores() == null ? null : Arrays.copyOf(spec.scores(), vocabSize);
        return new TokenizerSpec(spec.model(), spec.preTokenizer(), tokens, scores, types, spec.merges(), spec.bosId(),
                spec.eosId(), spec.extraEosIds(), spec.unknownId(), spec.paddingId(), spec.addBos(), spec.addEos(),
                spec.addSpacePrefix());
    }

    private static JsonNode readJson(Path p, String source) throws ModelFormatException {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new ModelFormatException(source + ": cannot read " + p.getFileName() + ": " + e.getMessage());
        }
    }

    static ModelConfig readConfig(JsonNode c, String source) throws ModelFormatException {
        String type = c.path("model_type").asText("");
        if (!MODEL_TYPES.contains(type)) {
            throw new ModelFormatException(source + ": model_type '" + type + "' is not supported (supported: " + MODEL_TYPES + ")");
        }
        int dim = c.path("hidden_size").asInt(-1);
        int heads = c.path("num_attention_heads").asInt(-1);
        int headDim = c.hasNonNull("head_dim") ? c.get("head_dim").asInt() : (heads > 0 ? dim / heads : -1);
        JsonNode rope = globalRopeParameters(c);
        float theta = (float) rope.path("rope_theta").asDouble(c.path("rope_theta").asDouble(10000.0));
        JsonNode scaling = c.path("rope_scaling").isObject() ? c.path("rope_scaling") : rope;
        float[] freqFactors = null;
        float linearScale = 1f;
        String scalingType = scaling.path("rope_type").asText(scaling.path("type").asText(""));
        if ("llama3".equals(scalingType)) {
            freqFactors = Llama3RopeScaling.freqFactors(headDim, theta,
                    (float) scaling.path("factor").asDouble(8.0),
                    (float) scaling.path("low_freq_factor").asDouble(1.0),
                    (float) scaling.path("high_freq_factor").asDouble(4.0),
                    scaling.path("original_max_position_embeddings").asInt(8192));
        } else if ("linear".equals(scalingType)) {
            linearScale = (float) scaling.path("factor").asDouble(1.0);
        } else if (!scalingType.isEmpty() && !"default".equals(scalingType)) {
            throw new ModelFormatException(source + ": rope_scaling type '" + scalingType + "' is not supported");
        }
        try {
            return new ModelConfig(type, c.path("vocab_size").asInt(-1), dim,
                    c.path("intermediate_size").asInt(-1), c.path("num_hidden_layers").asInt(-1),
                    heads, c.path("num_key_value_heads").asInt(heads), headDim,
                    c.path("max_position_embeddings").asInt(2048),
                    (float) c.path("rms_norm_eps").asDouble(1e-6), theta,
                    RopeStyle.HALF_SPLIT, freqFactors, linearScale, readSwitches(c, type, source));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(source + ": config.json: " + e.getMessage());
        }
    }

    /**
     * transformers 5 saves RoPE settings as rope_parameters ({rope_theta, rope_type, factor...}, or
     * for Gemma 3 one such object per attention type) where 4.x wrote rope_theta, rope_scaling and
     * rope_local_base_freq; both are read. The global layers' parameters, or a missing node.
     */
    private static JsonNode globalRopeParameters(JsonNode c) {
        JsonNode p = c.path("rope_parameters");
        return p.has("full_attention") ? p.path("full_attention") : p;
    }

    private static boolean isGemma(String modelType) {
        return modelType.startsWith("gemma");
    }

    /**
     * The family switches as transformers' modeling files apply them. Qwen3 normalises q and k per
     * head. Gemma scales the embedding by sqrt(hidden size), gates with gelu_pytorch_tanh, wraps
     * both sublayers in norms and scales q.k by query_pre_attn_scalar^-0.5; its sliding layers come
     * from layer_types when the config lists them, else from the family's pattern (Gemma 3:
     * sliding_window_pattern, default 6; Gemma 2: even layers), and Gemma 3's rotate with
     * rope_local_base_freq (transformers 5: rope_parameters.sliding_attention.rope_theta). Mistral with a sliding_window slides in every layer. (Qwen's
     * use_sliding_window is off in its released models and is not read.)
     */
    static ArchSwitches readSwitches(JsonNode c, String type, String source) throws ModelFormatException {
        int layers = c.path("num_hidden_layers").asInt(-1);
        if ("mistral".equals(type) && c.path("sliding_window").asInt(0) > 0 && layers > 0) {
            return ArchSwitches.LLAMA.withSliding(c.get("sliding_window").asInt(), ArchSwitches.everyNthGlobal(layers, 1));
        }
        if (!isGemma(type)) {
            return new ArchSwitches(1f, ArchSwitches.Activation.SILU, "qwen3".equals(type), false, 0, null, 0f, 0f, 0f, 0f);
        }
        String activation = c.path("hidden_activation").asText(c.path("hidden_act").asText("gelu_pytorch_tanh"));
        if (!"gelu_pytorch_tanh".equals(activation)) {
            throw new ModelFormatException(source + ": hidden_activation '" + activation + "' is not supported (supported: gelu_pytorch_tanh)");
        }
        boolean gemma3 = "gemma3_text".equals(type);
        int window = c.path("sliding_window").asInt(0);
        boolean[] sliding = null;
        if (window > 0 && layers > 0) {
            JsonNode types = c.path("layer_types");
            if (types.isArray()) {
                if (types.size() != layers) {
                    throw new ModelFormatException(source + ": layer_types has " + types.size() + " entries for " + layers + " layers");
                }
                sliding = new boolean[layers];
                for (int l = 0; l < layers; l++) sliding[l] = "sliding_attention".equals(types.get(l).asText());
            } else {
                sliding = ArchSwitches.everyNthGlobal(layers, gemma3 ? c.path("sliding_window_pattern").asInt(6) : 2);
            }
        }
        int dim = c.path("hidden_size").asInt(1);
        double queryScalar = c.path("query_pre_attn_scalar").asDouble(0);
        return new ArchSwitches((float) Math.sqrt(dim), ArchSwitches.Activation.GELU_TANH, gemma3, true,
                sliding == null ? 0 : window, sliding,
                gemma3 ? (float) c.path("rope_parameters").path("sliding_attention").path("rope_theta")
                        .asDouble(c.path("rope_local_base_freq").asDouble(10000.0)) : 0f,
                queryScalar > 0 ? (float) (1.0 / Math.sqrt(queryScalar)) : 0f,
                (float) c.path("attn_logit_softcapping").asDouble(0.0),
                (float) c.path("final_logit_softcapping").asDouble(0.0));
    }

    /**
     * Gemma's checkpoints store norm weights w and multiply by (1 + w); the 1 is added here, once,
     * as llama.cpp's converter adds it when it writes the GGUF. Gemma names its norm on the
     * attention output post_attention_layernorm, the name Llama gives its feed-forward input norm.
     */
    private static ModelWeights readWeights(SafetensorsIndex st, ModelConfig c, boolean tied, boolean gemma) throws IOException {
        float shift = gemma ? 1f : 0f;
        boolean sandwich = c.switches().sandwichNorms();
        LayerWeights[] layers = new LayerWeights[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "model.layers." + i + ".";
            layers[i] = new LayerWeights(
                    norm(st, p + "input_layernorm.weight", shift),
                    st.tensor(p + "self_attn.q_proj.weight"),
                    st.tensor(p + "self_attn.k_proj.weight"),
                    st.tensor(p + "self_attn.v_proj.weight"),
                    optionalFloats(st, p + "self_attn.q_proj.bias"),
                    optionalFloats(st, p + "self_attn.k_proj.bias"),
                    optionalFloats(st, p + "self_attn.v_proj.bias"),
                    st.tensor(p + "self_attn.o_proj.weight"),
                    norm(st, p + (sandwich ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight"), shift),
                    st.tensor(p + "mlp.gate_proj.weight"),
                    st.tensor(p + "mlp.up_proj.weight"),
                    st.tensor(p + "mlp.down_proj.weight"),
                    optionalNorm(st, p + "self_attn.q_norm.weight", shift),
                    optionalNorm(st, p + "self_attn.k_norm.weight", shift),
                    sandwich ? norm(st, p + "post_attention_layernorm.weight", shift) : null,
                    sandwich ? norm(st, p + "post_feedforward_layernorm.weight", shift) : null);
        }
        WeightTensor embedding = st.tensor("model.embed_tokens.weight");
        WeightTensor output = tied ? embedding : st.tensor("lm_head.weight");
        return new ModelWeights(embedding, layers, norm(st, "model.norm.weight", shift), output);
    }

    private static float[] norm(SafetensorsIndex st, String name, float shift) throws IOException {
        float[] w = floats(st, name);
        if (shift != 0f) for (int i = 0; i < w.length; i++) w[i] += shift;
        return w;
    }

    private static float[] optionalNorm(SafetensorsIndex st, String name, float shift) throws IOException {
        return st.hasTensor(name) ? norm(st, name, shift) : null;
    }

    private static float[] floats(SafetensorsIndex st, String name) throws IOException {
        return GgufModelLoader.floats(st.tensor(name));
    }

    private static float[] optionalFloats(SafetensorsIndex st, String name) throws IOException {
        return st.hasTensor(name) ? floats(st, name) : null;
    }

    private static String textOrNull(JsonNode n) {
        return n.isTextual() ? n.asText() : null;
    }

    /** tokenizer_config.json writes special tokens as a string or as {"content": ...}. */
    private static String tokenString(JsonNode n) {
        if (n.isTextual()) return n.asText();
        return n.path("content").asText("");
    }
}
