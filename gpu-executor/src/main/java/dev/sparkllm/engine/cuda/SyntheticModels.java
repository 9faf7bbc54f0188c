package dev.sparkllm.engine.cuda;

import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.model.ModelConfig;
import dev.sparkllm.engine.model.ModelWeights;
import dev.sparkllm.engine.model.RopeStyle;

/** Model shapes and wrappers for models with made-up weights (GPU benchmarks and tests). */
public final class SyntheticModels {
    private SyntheticModels() {}

    /** Llama-3-8B's shape (optionally with fewer layers): 4096 wide, 32 heads over 8 KV heads, 14336 FFN, 128256 tokens. */
    public static ModelConfig llama3_8b(int layers) {
        return new ModelConfig("llama", 128256, 4096, 14336, layers, 32, 8, 128, 8192, 1e-5f, 500000f,
                RopeStyle.HALF_SPLIT, null, 1f);
    }

    /** A model for token-id prompts with the given weights (null for weights that live only on a GPU). */
    public static LoadedModel wrap(String name, ModelConfig config, ModelWeights weights) {
        return new LoadedModel(name, config, weights, new NumberedTokenizer(config.vocabSize()), null, "", "", () -> {});
    }
}
