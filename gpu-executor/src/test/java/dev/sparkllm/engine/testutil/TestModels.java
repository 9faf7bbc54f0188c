package dev.sparkllm.engine.testutil;

import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.model.ModelLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The default model for tests: system property {@code sparkllm.model.path} (surefire passes it
 * from ci/test.sh), else the cache that {@code ci/fetch-model.sh} fills. A missing model fails
 * the test: a suite that skipped every model test would prove nothing. The cache is
 * {@code $SPARKLLM_CACHE/models} or {@code ~/.cache/sparkllm/models}, as in ci/fetch-model.sh.
 */
public final class TestModels {
    private static LoadedModel shared;

    private TestModels() {}

    public static Path defaultModelPath() {
        String property = System.getProperty("sparkllm.model.path");
        String cache = System.getenv("SPARKLLM_CACHE");
        Path cacheDir = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "sparkllm");
        Path path = property != null && !property.isBlank() && !property.startsWith("${")
                ? Path.of(property)
                : cacheDir.resolve("models").resolve("SmolLM2-135M-Instruct.Q4_1.gguf");
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("default model not found at " + path + ": run ci/fetch-model.sh");
        }
        return path;
    }

    /** One loaded SmolLM2 per test JVM; tests must not close it. */
    public static synchronized LoadedModel smolLm2() {
        if (shared == null) {
            try {
                shared = ModelLoader.load(defaultModelPath());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** The repository root (surefire passes it; falls back to the module's parent directory). */
    public static Path repoRoot() {
        String property = System.getProperty("sparkllm.repo.root");
        if (property != null && !property.isBlank() && !property.startsWith("${")) return Path.of(property);
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("ci")) ? here : here.getParent();
    }
}
