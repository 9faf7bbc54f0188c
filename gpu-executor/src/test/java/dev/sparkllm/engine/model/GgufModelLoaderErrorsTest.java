package dev.sparkllm.engine.model;

import dev.sparkllm.engine.format.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static dev.sparkllm.engine.model.HfModelLoaderErrorsTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A broken GGUF model fails at load time with a {@link ModelFormatException} naming the key or tensor. */
class GgufModelLoaderErrorsTest {
    private static final long SEED = 7L;

    @TempDir
    Path dir;

    @Test
    void unsupportedArchitectureIsRejectedWithTheSupportedOnes() throws IOException {
        Path file = TinyLlamaFiles.generate(TinyLlamaVariant.LLAMA.withGgufArchitecture("gpt2"), SEED).writeGguf(dir.resolve("m.gguf"));
        assertMentions(assertThrows(ModelFormatException.class, () -> ModelLoader.load(file)), "gpt2", "llama", "qwen2");
    }

    @Test
    void missingLayerTensorIsNamed() throws IOException {
        TinyLlamaFiles files = TinyLlamaFiles.generate(TinyLlamaVariant.LLAMA, SEED);
        files.weights().tensors().remove("model.layers.1.mlp.down_proj.weight");
        Path file = files.writeGguf(dir.resolve("m.gguf"));
        assertMentions(assertThrows(ModelFormatException.class, () -> ModelLoader.load(file)), "missing tensor blk.1.ffn_down.weight");
    }

    @Test
    void missingEmbeddingIsNamed() throws IOException {
        TinyLlamaFiles files = TinyLlamaFiles.generate(TinyLlamaVariant.LLAMA, SEED);
        files.weights().tensors().remove("model.embed_tokens.weight");
        Path file = files.writeGguf(dir.resolve("m.gguf"));
        assertMentions(assertThrows(ModelFormatException.class, () -> ModelLoader.load(file)), "token_embd.weight");
    }

    @Test
    void tensorOfTheWrongShapeIsNamedWithBothShapes() throws IOException {
        TinyLlamaFiles files = TinyLlamaFiles.generate(TinyLlamaVariant.LLAMA, SEED);
        // K as wide as Q: what a file converted with the wrong kv head count would hold.
        files.weights().tensors().put("model.layers.0.self_attn.k_proj.weight",
                files.weights().tensors().get("model.layers.0.self_attn.q_proj.weight"));
        Path file = files.writeGguf(dir.resolve("m.gguf"));
        assertMentions(assertThrows(ModelFormatException.class, () -> ModelLoader.load(file)),
                "blk.0.attn_k.weight", "64x64", "32x64");
    }
}
