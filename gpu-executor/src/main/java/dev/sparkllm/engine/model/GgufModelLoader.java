package dev.sparkllm.engine.model;

import dev.sparkllm.engine.cpu.Dequantize;
import dev.sparkllm.engine.format.GgufFile;
import dev.sparkllm.engine.format.ModelFormatException;
import dev.sparkllm.engine.tensor.WeightTensor;
import dev.sparkllm.engine.tokenizer.GgufTokenizerSpecs;
import dev.sparkllm.engine.tokenizer.Tokenizer;
import dev.sparkllm.engine.tokenizer.TokenizerSpec;
import dev.sparkllm.engine.tokenizer.Tokenizers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/** Loads a Llama-family model (llama, mistral, qwen2, qwen3, gemma2, gemma3) from one GGUF file, memory-mapped. */
public final class GgufModelLoader {
    private static final Set<String> ARCHITECTURES = Set.of("llama", "mistral", "qwen2", "qwen3", "gemma2", "gemma3");
    /** Architectures llama.cpp rotates with its NEOX RoPE (pairs i, i + d/2): the converter does not permute them. */
    private static final Set<String> HALF_SPLIT_ROPE = Set.of("qwen2", "qwen3", "gemma2", "gemma3");

    private GgufModelLoader() {}

    public static LoadedModel load(Path path) throws IOException {
        GgufFile gguf = GgufFile.open(path);
        try {
            String source = path.getFileName().toString();
            ModelConfig config = readConfig(gguf, source);
            ModelWeights weights = readWeights(gguf, config, source);
            WeightShapes.validate(config, weights, source);
            TokenizerSpec spec = GgufTokenizerSpecs.fromGguf(gguf);
            Tokenizer tokenizer = Tokenizers.create(spec);
            if (tokenizer.vocabSize() != config.vocabSize()) {
                throw new ModelFormatException(source + ": tokenizer has " + tokenizer.vocabSize()
                        + " tokens but the embedding has " + config.vocabSize() + " rows");
            }
            String name = gguf.string("general.name", source);
            return new LoadedModel(name, config, weights, tokenizer,
                    gguf.string("tokenizer.chat_template", null),
                    tokenText(spec, spec.bosId()), tokenText(spec, spec.eosId()), gguf);
        } catch (IOException | RuntimeException e) {
            gguf.close();
            throw e;
        }
    }

    private static String tokenText(TokenizerSpec spec, int id) {
        return id >= 0 && id < spec.tokens().length ? spec.tokens()[id] : "";
    }

    static ModelConfig readConfig(GgufFile g, String source) throws ModelFormatException {
        String arch = g.string("general.architecture", null);
        if (arch == null) throw new ModelFormatException(source + ": missing general.architecture");
        if (!ARCHITECTURES.contains(arch)) {
            throw new ModelFormatException(source + ": architecture '" + arch + "' is not supported (supported: " + ARCHITECTURES + ")");
        }
        int dim = intKey(g, arch + ".embedding_length", -1, source);
        int heads = intKey(g, arch + ".attention.head_count", -1, source);
        int kvHeads = intKey(g, arch + ".attention.head_count_kv", heads, source);
        int headDim = heads > 0 ? intKey(g, arch + ".attention.key_length", dim / heads, source) : -1;
        WeightTensor embedding = require(g, "token_embd.weight", source); // the vocab size defaults to its rows
        int vocab = intKey(g, arch + ".vocab_size", embedding.rows(), source);
        float[] freqFactors = g.hasTensor("rope_freqs.weight") ? floats(g.tensor("rope_freqs.weight")) : null;
        float linearScale = 1f;
        if ("linear".equals(g.string(arch + ".rope.scaling.type", "none"))) {
            linearScale = (float) g.real(arch + ".rope.scaling.factor", 1.0);
        }
        try {
            return new ModelConfig(arch, vocab, dim,
                    intKey(g, arch + ".feed_forward_length", -1, source),
                    intKey(g, arch + ".block_count", -1, source),
                    heads, kvHeads, headDim,
                    intKey(g, arch + ".context_length", 2048, source),
                    (float) g.real(arch + ".attention.layer_norm_rms_epsilon", 1e-5),
                    (float) g.real(arch + ".rope.freq_base", 10000.0),
                    HALF_SPLIT_ROPE.contains(arch) ? RopeStyle.HALF_SPLIT : RopeStyle.INTERLEAVED,
                    freqFactors, linearScale, readSwitches(g, arch, dim, heads, headDim, source));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(source + ": " + e.getMessage());
        }
    }

    /**
     * The family switches as llama.cpp's llama-model.cpp sets them: q/k norms where the file has
     * them, and for Gemma the scaled embedding, GeGLU, sandwich norms, sliding layers (Gemma 3: five
     * of every six with local RoPE base 10000; Gemma 2: every other) and soft caps. The files carry
     * no query_pre_attn_scalar: llama.cpp scales by 1/sqrt(head dim) except for the 27B models
     * (Gemma 2: 46 layers, Gemma 3: 62), which use hidden size / heads, and so does this.
     */
    private static ArchSwitches readSwitches(GgufFile g, String arch, int dim, int heads, int headDim, String source)
            throws ModelFormatException {
        boolean qkNorm = g.hasTensor("blk.0.attn_q_norm.weight");
        if (!arch.startsWith("gemma")) {
            return new ArchSwitches(1f, ArchSwitches.Activation.SILU, qkNorm, false, 0, null, 0f, 0f, 0f, 0f);
        }
        boolean gemma3 = "gemma3".equals(arch);
        int layers = intKey(g, arch + ".block_count", -1, source);
        int window = intKey(g, arch + ".attention.sliding_window", 0, source);
        boolean is27b = layers == (gemma3 ? 62 : 46);
        float scale = heads > 0 ? (float) (1.0 / Math.sqrt(is27b ? (double) dim / heads : headDim)) : 0f;
        return new ArchSwitches((float) Math.sqrt(dim), ArchSwitches.Activation.GELU_TANH, qkNorm, true,
                window, window > 0 ? ArchSwitches.everyNthGlobal(layers, gemma3 ? 6 : 2) : null,
                gemma3 ? 10000f : 0f, scale,
                (float) g.real(arch + ".attn_logit_softcapping", 0.0),
                (float) g.real(arch + ".final_logit_softcapping", 0.0));
    }

    private static int intKey(GgufFile g, String key, int dflt, String source) throws ModelFormatException {
        long v = g.integer(key, dflt);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new ModelFormatException(source + ": " + key + (g.has(key) ? " = " + v + " is out of range" : " is missing"));
        }
        return (int) v;
    }

    private static ModelWeights readWeights(GgufFile g, ModelConfig c, String source) throws ModelFormatException {
        LayerWeights[] layers = new LayerWeights[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            layers[i] = new LayerWeights(
                    floats(require(g, p + "attn_norm.weight", source)),
                    require(g, p + "attn_q.weight", source),
                    require(g, p + "attn_k.weight", source),
                    require(g, p + "attn_v.weight", source),
                    optionalFloats(g, p + "attn_q.bias"),
                    optionalFloats(g, p + "attn_k.bias"),
                    optionalFloats(g, p + "attn_v.bias"),
                    require(g, p + "attn_output.weight", source),
                    floats(require(g, p + "ffn_norm.weight", source)),
                    require(g, p + "ffn_gate.weight", source),
                    require(g, p + "ffn_up.weight", source),
                    require(g, p + "ffn_down.weight", source),
                    optionalFloats(g, p + "attn_q_norm.weight"),
                    optionalFloats(g, p + "attn_k_norm.weight"),
                    optionalFloats(g, p + "post_attention_norm.weight"),
                    optionalFloats(g, p + "post_ffw_norm.weight"));
        }
        WeightTensor embedding = require(g, "token_embd.weight", source);
        WeightTensor output = g.hasTensor("output.weight") ? g.tensor("output.weight") : embedding;
        return new ModelWeights(embedding, layers, floats(require(g, "output_norm.weight", source)), output);
    }

    private static WeightTensor require(GgufFile g, String name, String source) throws ModelFormatException {
        if (!g.hasTensor(name)) throw new ModelFormatException(source + ": missing tensor " + name);
        return g.tensor(name);
    }

    private static float[] optionalFloats(GgufFile g, String name) {
        return g.hasTensor(name) ? floats(g.tensor(name)) : null;
    }

    /** A small 1-D tensor (norm weight, bias) as floats; these are read once at load time. */
    static float[] floats(WeightTensor t) {
        float[] out = new float[Math.multiplyExact(t.rows(), t.cols())];
        for (int r = 0; r < t.rows(); r++) {
            Dequantize.row(t, r, out, r * t.cols());
        }
        return out;
    }
}
