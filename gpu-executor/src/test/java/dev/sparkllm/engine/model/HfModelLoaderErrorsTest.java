package dev.sparkllm.engine.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkllm.engine.format.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broken Hugging Face directory fails at load time with a {@link ModelFormatException} (an
 * IOException, so callers handle it with other I/O failures) whose message names what is wrong:
 * the file, the setting or the tensor.
 */
class HfModelLoaderErrorsTest {
    private static final long SEED = 7L;

    @TempDir
    Path dir;

    @Test
    void directoryWithoutConfigJsonIsNotAModel() throws IOException {
        Path model = writeModel();
        Files.delete(model.resolve("config.json"));
        IOException e = assertThrows(IOException.class, () -> ModelLoader.load(model));
        assertMentions(e, "config.json", "not a Hugging Face model");
    }

    @Test
    void unreadableConfigJsonIsNamed() throws IOException {
        Path model = writeModel();
        Files.writeString(model.resolve("config.json"), "{\"model_type\": \"llama\",");
        assertMentions(assertThrows(ModelFormatException.class, () -> ModelLoader.load(model)), "config.json");
    }

    @Test
    void unsupportedModelTypeIsRejectedWithTheSupportedOnes() throws IOException {
        Path model = writeModel(c -> c.put("model_type", "gpt_neox"));
        assertMentions(assertThrows(ModelFormatException.class, () -> ModelLoader.load(model)), "gpt_neox", "llama", "qwen2");
    }

    @Test
    void hiddenSizeThatDoesNotMatchTheWeightsNamesTheTensor() throws IOException {
        Path model = writeModel(c -> c.put("hidden_size", 128));
        assertMentions(assertThrows(ModelFormatException.class, () -> ModelLoader.load(model)),
                "model.embed_tokens.weight", "300x64", "300x128");
    }

    @Test
    void kvHeadCountThatDoesNotMatchTheWeightsNamesTheTensor() throws IOException {
        Path model = writeModel(c -> c.put("num_key_value_heads", 4));
        assertMentions(assertThrows(ModelFormatException.class, () -> ModelLoader.load(model)),
                "model.layers.0.self_attn.k_proj.weight", "32x64", "64x64");
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        TinyLlamaFiles files = TinyLlamaFiles.generate(TinyLlamaVariant.LLAMA, SEED);
        files.weights().tensors().remove("model.layers.1.mlp.down_proj.weight");
        Path model = files.writeHfDirectory(dir.resolve("model"));
        assertMentions(assertThrows(ModelFormatException.class, () -> ModelLoader.load(model)),
                "model.layers.1.mlp.down_proj.weight");
    }

    @Test
    void unsupportedRopeScalingTypeIsRejected() throws IOException {
        Path model = writeModel(c -> c.putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4.0));
        assertMentions(assertThrows(ModelFormatException.class, () -> ModelLoader.load(model)), "rope_scaling", "yarn");
    }

    @Test
    void tokenizerLargerThanTheEmbeddingIsRejected() throws IOException {
        Path model = writeModel(c -> c.put("vocab_size", 296));
        assertMentions(assertThrows(ModelFormatException.class, () -> ModelLoader.load(model)),
                "tokenizer.json has 300 tokens", "vocab_size is 296");
    }

    private Path writeModel() throws IOException {
        return writeModel(c -> { });
    }

    /** The tiny llama directory with its config.json edited. */
    private Path writeModel(Consumer<ObjectNode> editConfig) throws IOException {
        Path model = TinyLlamaFiles.generate(TinyLlamaVariant.LLAMA, SEED).writeHfDirectory(dir.resolve("model"));
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(model.resolve("config.json").toFile());
        editConfig.accept(config);
        TinyLlamaFiles.writeJson(model.resolve("config.json"), config);
        return model;
    }

    static void assertMentions(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message should mention '" + part + "': " + e.getMessage());
        }
    }
}
