package dev.sparkllm.engine.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a model from a GGUF file or a Hugging Face directory, whichever the path is. */
public final class ModelLoader {
    private ModelLoader() {}

    public static LoadedModel load(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            if (!Files.exists(path.resolve("config.json"))) {
                throw new IOException(path + " is a directory without config.json: not a Hugging Face model");
            }
            return HfModelLoader.load(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException("model file not found: " + path);
        }
        return GgufModelLoader.load(path);
    }
}
