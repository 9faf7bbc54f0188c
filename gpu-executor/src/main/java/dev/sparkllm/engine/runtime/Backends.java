package dev.sparkllm.engine.runtime;

import dev.sparkllm.engine.cuda.CudaModelRunner;
import dev.sparkllm.engine.cuda.CudaSettings;
import dev.sparkllm.engine.cuda.CudaUnavailableException;
import dev.sparkllm.engine.model.LoadedModel;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Chooses the backend an engine runs on: {@code cuda} (fails when no GPU can run the model),
 * {@code cpu}, or {@code auto}: the GPU when one can, else the CPU, with the reason logged so a
 * fallback is never silent.
 */
public final class Backends {
    private Backends() {}

    public static InferenceEngine open(LoadedModel model, EngineOptions options, String backend, CudaSettings cuda, Consumer<String> log) {
        String choice = backend == null ? "auto" : backend.trim().toLowerCase(Locale.ROOT);
        switch (choice) {
            case "cpu":
                return InferenceEngine.cpu(model, options);
            case "cuda":
            case "gpu":
                return onGpu(model, options, cuda);
            case "auto":
                try {
                    InferenceEngine engine = onGpu(model, options, cuda);
                    log.accept("model " + model.name() + " runs on the GPU");
                    return engine;
                } catch (CudaUnavailableException e) {
                    log.accept(e.getMessage() + "; model " + model.name() + " runs on the CPU");
                    return InferenceEngine.cpu(model, options);
                }
            default:
                throw new IllegalArgumentException("unknown backend '" + backend + "': use auto, cuda or cpu");
        }
    }

    /** An engine on GPU {@code cuda.ordinal()}; the KV pool takes what weights and workspace leave unless options fix it. */
    public static InferenceEngine onGpu(LoadedModel model, EngineOptions options, CudaSettings cuda) {
        CudaModelRunner runner = CudaModelRunner.load(model.config(), model.weights(), cuda,
                Math.max(options.maxStepTokens(), options.maxSequences()), options.maxSequences(), options.maxContext());
        return withRunner(model, runner, options);
    }

    /** An engine over a CUDA runner made by the caller (random-weight benchmark models). */
    public static InferenceEngine withRunner(LoadedModel model, CudaModelRunner runner, EngineOptions options) {
        try {
            EngineOptions o = options;
            if (options.kvCacheBytes() == EngineOptions.KV_AUTO) {
                o = options.withKvCacheBytes(runner.kvCapacityBytes());
            } else if (options.kvCacheBytes() > runner.kvCapacityBytes()) {
                throw new IllegalArgumentException(String.format("kvCacheBytes %.1f MiB does not fit: the GPU budget has %.1f MiB left after the weights and workspace",
                        options.kvCacheBytes() / 1048576.0, runner.kvCapacityBytes() / 1048576.0));
            }
            return new InferenceEngine(model, runner, o);
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
    }
}
