package dev.sparkllm.engine.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkllm.engine.cpu.Float16;
import dev.sparkllm.engine.format.GgufTestWriter;
import dev.sparkllm.engine.format.SafetensorsTestWriter;
import dev.sparkllm.engine.tensor.GgmlType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One tiny random model written twice: as the GGUF file llama.cpp's convert_hf_to_gguf.py would
 * make (F32, Q/K permuted for llama-type models, rope_freqs for Llama 3.1 scaling) and as the
 * Hugging Face directory it would convert from. Both hold the same numbers, so the engine must
 * compute the same logits from either. Tests may edit {@link #weights()} before writing to make
 * broken files.
 */
final class TinyLlamaFiles {
    static final float ROPE_THETA = 10000f;
    /** Llama 3.1's scaling parameters, with an original context small enough for a short prompt to feel it. */
    static final float ROPE_FACTOR = 8f;
    static final float LOW_FREQ_FACTOR = 1f;
    static final float HIGH_FREQ_FACTOR = 4f;
    static final int ORIGINAL_CONTEXT = 32;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TinyLlamaVariant variant;
    private final TinyLlamaShape shape;
    private final TinyVocabulary vocabulary;
    private final TinyWeights weights;

    private TinyLlamaFiles(TinyLlamaVariant variant, TinyLlamaShape shape, TinyVocabulary vocabulary, TinyWeights weights) {
        this.variant = variant;
        this.shape = shape;
        this.vocabulary = vocabulary;
        this.weights = weights;
    }

    /** Weights depend only on the seed, shape, biases and tying, so variants differing in nothing else share them. */
    static TinyLlamaFiles generate(TinyLlamaVariant variant, TinyLlamaShape shape, long seed) {
        TinyVocabulary vocabulary = new TinyVocabulary(variant.llama3Tokenizer());
        TinyWeights weights = TinyWeights.random(shape, vocabulary.size() + variant.paddingRows(), variant.qkvBias(), variant.tiedEmbeddings(), seed)
                .roundedTo(variant.hfDtype());
        return new TinyLlamaFiles(variant, shape, vocabulary, weights);
    }

    static TinyLlamaFiles generate(TinyLlamaVariant variant, long seed) {
        return generate(variant, TinyLlamaShape.DEFAULT, seed);
    }

    TinyWeights weights() { return weights; }
    TinyVocabulary vocabulary() { return vocabulary; }

    /** Rows of the embedding: the tokenizer's tokens plus any padding. */
    int vocabSize() { return vocabulary.size() + variant.paddingRows(); }

    Path writeGguf(Path file) throws IOException {
        String arch = variant.ggufArchitecture();
        GgufTestWriter gguf = new GgufTestWriter()
                .putString("general.architecture", arch)
                .putString("general.name", "tiny-" + variant.name())
                .putUint32("general.file_type", 0) // all F32
                .putUint32(arch + ".vocab_size", vocabSize())
                .putUint32(arch + ".context_length", variant.contextLength())
                .putUint32(arch + ".embedding_length", shape.dim())
                .putUint32(arch + ".block_count", shape.layers())
                .putUint32(arch + ".feed_forward_length", shape.ffnDim())
                .putUint32(arch + ".rope.dimension_count", shape.headDim())
                .putUint32(arch + ".attention.head_count", shape.heads())
                .putUint32(arch + ".attention.head_count_kv", shape.kvHeads())
                .putUint32(arch + ".attention.key_length", shape.headDim())
                .putUint32(arch + ".attention.value_length", shape.headDim())
                .putFloat32(arch + ".rope.freq_base", ROPE_THETA)
                .putFloat32(arch + ".attention.layer_norm_rms_epsilon", variant.rmsEps());
        vocabulary.writeGgufKeys(gguf, vocabSize());
        if (variant.llama3RopeScaling()) {
            float[] factors = LlamaCppConversion.llama3RopeFactors(shape.headDim(), ROPE_THETA, ROPE_FACTOR,
                    LOW_FREQ_FACTOR, HIGH_FREQ_FACTOR, ORIGINAL_CONTEXT);
            gguf.tensor("rope_freqs.weight", GgmlType.F32, new long[] {factors.length}, GgufTestWriter.f32(factors));
        }
        weights.tensors().forEach((name, t) -> {
            float[] values = ggufLayout(name, t);
            long[] dims = t.vector() ? new long[] {t.rows()} : new long[] {t.cols(), t.rows()}; // GGML order: ne0 = cols
            gguf.tensor(LlamaCppConversion.ggufName(name), GgmlType.F32, dims, GgufTestWriter.f32(values));
        });
        Files.write(file, gguf.build());
        return file;
    }

    /** The converter permutes Q and K (weights and biases) of llama-type models only. */
    private float[] ggufLayout(String name, TinyWeights.Tensor t) {
        if (!variant.permuteQk()) return t.values();
        if (name.contains(".q_proj.")) return LlamaCppConversion.permuteRows(t.values(), shape.heads(), t.cols());
        if (name.contains(".k_proj.")) return LlamaCppConversion.permuteRows(t.values(), shape.kvHeads(), t.cols());
        return t.values();
    }

    Path writeHfDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        SafetensorsTestWriter safetensors = new SafetensorsTestWriter();
        weights.tensors().forEach((name, t) -> {
            long[] shape = t.vector() ? new long[] {t.rows()} : new long[] {t.rows(), t.cols()};
            safetensors.tensor(name, variant.hfDtype(), shape, bytes(t.values(), variant.hfDtype()));
        });
        Files.write(dir.resolve("model.safetensors"), safetensors.build());
        writeJson(dir.resolve("config.json"), config());
        writeJson(dir.resolve("tokenizer.json"), vocabulary.tokenizerJson());
        writeJson(dir.resolve("tokenizer_config.json"), vocabulary.tokenizerConfig());
        return dir;
    }

    /** config.json as transformers saves it. Llama configs carry head_dim; Qwen2's leave it to be derived. */
    ObjectNode config() {
        boolean llama = "llama".equals(variant.hfModelType());
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add(llama ? "LlamaForCausalLM" : "Qwen2ForCausalLM");
        c.put("model_type", variant.hfModelType())
                .put("vocab_size", vocabSize())
                .put("hidden_size", shape.dim())
                .put("intermediate_size", shape.ffnDim())
                .put("num_hidden_layers", shape.layers())
                .put("num_attention_heads", shape.heads())
                .put("num_key_value_heads", shape.kvHeads())
                .put("max_position_embeddings", variant.contextLength())
                .put("rms_norm_eps", Double.parseDouble(Float.toString(variant.rmsEps())))
                .put("rope_theta", (double) ROPE_THETA)
                .put("tie_word_embeddings", variant.tiedEmbeddings())
                .put("torch_dtype", torchDtype())
                .put("bos_token_id", vocabulary.id(vocabulary.bos()))
                .put("eos_token_id", vocabulary.id(TinyVocabulary.EOS));
        if (llama) c.put("head_dim", shape.headDim());
        if (variant.llama3RopeScaling()) {
            c.putObject("rope_scaling").put("rope_type", "llama3").put("factor", (double) ROPE_FACTOR)
                    .put("low_freq_factor", (double) LOW_FREQ_FACTOR).put("high_freq_factor", (double) HIGH_FREQ_FACTOR)
                    .put("original_max_position_embeddings", ORIGINAL_CONTEXT);
        } else {
            c.putNull("rope_scaling");
        }
        return c;
    }

    private String torchDtype() {
        return switch (variant.hfDtype()) {
            case "F16" -> "float16";
            case "BF16" -> "bfloat16";
            default -> "float32";
        };
    }

    static void writeJson(Path file, ObjectNode json) throws IOException {
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    }

    private static byte[] bytes(float[] values, String dtype) {
        return switch (dtype) {
            case "F32" -> SafetensorsTestWriter.f32(values);
            case "BF16" -> SafetensorsTestWriter.bf16(values); // exact: the values are already BF16-rounded
            case "F16" -> {
                ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : values) b.putShort(Float16.fromFloat(v));
                yield b.array();
            }
            default -> throw new IllegalArgumentException("dtype " + dtype);
        };
    }
}
