package dev.sparkllm.engine.cuda;

import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.runtime.Backends;
import dev.sparkllm.engine.runtime.EngineOptions;
import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.runtime.GenerationResult;
import dev.sparkllm.engine.runtime.InferenceEngine;
import dev.sparkllm.engine.model.ModelConfig;
import dev.sparkllm.engine.model.RopeStyle;
import dev.sparkllm.engine.sampling.SamplingParams;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The backend choice where there is no GPU: auto falls back to the CPU and says why; cuda refuses with the reason. */
class BackendsTest {
    private static final ModelConfig TINY = new ModelConfig("llama", 64, 64, 128, 1, 2, 1, 32, 256, 1e-5f, 10000f,
            RopeStyle.INTERLEAVED, null, 1f);

    @Test
    void withoutAGpuAutoRunsOnTheCpuAndSaysWhy() {
        Assumptions.assumeFalse(CudaAvailability.probe(0).available(), "this machine has a GPU: the fallback is not exercised");
        LoadedModel model = SyntheticModels.wrap("tiny", TINY, CudaForwardTest.randomF16Weights(TINY, new java.util.Random(1)));
        List<String> log = new ArrayList<>();
        EngineOptions options = new EngineOptions(2, 32, 128).withKvCacheBytes(1L << 20);
        try (InferenceEngine e = Backends.open(model, options, "auto", CudaSettings.DEFAULT, log::add)) {
            GenerationResult r = e.generate(List.of(GenerationRequest.ofTokens("a", new int[] {1, 2, 3},
                    new SamplingParams(3, 0f, 0, 1f, 0f, null, List.of(), true)))).get(0);
            assertNull(r.error());
            assertEquals(3, r.completionTokens());
        }
        assertEquals(1, log.size());
        assertTrue(log.get(0).startsWith("CUDA backend unavailable: ") && log.get(0).endsWith("runs on the CPU"), log.get(0));
        CudaUnavailableException refused = assertThrows(CudaUnavailableException.class,
                () -> Backends.open(model, options, "cuda", CudaSettings.DEFAULT, log::add));
        assertTrue(refused.getMessage().length() > "CUDA backend unavailable: ".length(), refused.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Backends.open(model, options, "tpu", CudaSettings.DEFAULT, log::add));
        assertTrue(unknown.getMessage().contains("auto, cuda or cpu"), unknown.getMessage());
    }
}
