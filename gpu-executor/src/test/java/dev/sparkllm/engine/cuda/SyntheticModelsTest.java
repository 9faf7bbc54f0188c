package dev.sparkllm.engine.cuda;

import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.model.ModelConfig;
import dev.sparkllm.engine.model.RopeStyle;
import dev.sparkllm.engine.runtime.EngineOptions;
import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.runtime.GenerationResult;
import dev.sparkllm.engine.runtime.InferenceEngine;
import dev.sparkllm.engine.sampling.SamplingParams;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A made-up model (what the GPU benchmark runs) goes through the real engine on the CPU: token prompts in, max_tokens out. */
class SyntheticModelsTest {
    @Test
    void aRandomModelGeneratesExactlyMaxTokensFromTokenPrompts() {
        ModelConfig c = new ModelConfig("llama", 512, 256, 512, 2, 4, 2, 64, 1024, 1e-5f, 10000f, RopeStyle.INTERLEAVED, null, 1f);
        LoadedModel model = SyntheticModels.wrap("tiny", c, CudaForwardTest.randomF16Weights(c, new Random(1)));
        SamplingParams p = new SamplingParams(7, 0f, 0, 1f, 0f, null, List.of(), true);
        try (InferenceEngine e = InferenceEngine.cpu(model, new EngineOptions(4, 64, 512).withKvCacheBytes(4L << 20))) {
            List<GenerationResult> r = e.generate(List.of(GenerationRequest.ofTokens("a", new int[] {1, 2, 3, 4}, p),
                    GenerationRequest.ofTokens("b", new int[] {5, 6}, p)));
            for (GenerationResult g : r) {
                assertNull(g.error());
                assertEquals(7, g.completionTokens());
                assertTrue(g.text().startsWith("<"), g.text());
            }
        }
        assertEquals(8192, SyntheticModels.llama3_8b(32).contextLength());
        assertEquals(128256, SyntheticModels.llama3_8b(32).vocabSize());
    }
}
