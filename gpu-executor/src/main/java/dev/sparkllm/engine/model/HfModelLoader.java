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
    private static final Set<String> MODEL_TYPES = Set.of("llama", "mistral", "qwen2");
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
            ModelWeights weights = readWeights(weightsFile, config, tied);
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
        float theta = (float) c.path("rope_theta").asDouble(10000.0);
        JsonNode scaling = c.path("rope_scaling");
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
                    RopeStyle.HALF_SPLIT, freqFactors, linearScale);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(source + ": config.json: " + e.getMessage());
        }
    }

    private static ModelWeights readWeights(SafetensorsIndex st, ModelConfig c, boolean tied) throws IOException {
        LayerWeights[] layers = new LayerWeights[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "model.layers." + i + ".";
            layers[i] = new LayerWeights(
                    floats(st, p + "input_layernorm.weight"),
                    st.tensor(p + "self_attn.q_proj.weight"),
                    st.tensor(p + "self_attn.k_proj.weight"),
                    st.tensor(p + "self_attn.v_proj.weight"),
                    optionalFloats(st, p + "self_attn.q_proj.bias"),
                    optionalFloats(st, p + "self_attn.k_proj.bias"),
                    optionalFloats(st, p + "self_attn.v_proj.bias"),
                    st.tensor(p + "self_attn.o_proj.weight"),
                    floats(st, p + "post_attention_layernorm.weight"),
                    st.tensor(p + "mlp.gate_proj.weight"),
                    st.tensor(p + "mlp.up_proj.weight"),
                    st.tensor(p + "mlp.down_proj.weight"));
        }
        WeightTensor embedding = st.tensor("model.embed_tokens.weight");
        WeightTensor output = tied ? embedding : st.tensor("lm_head.weight");
        return new ModelWeights(embedding, layers, floats(st, "model.norm.weight"), output);
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
