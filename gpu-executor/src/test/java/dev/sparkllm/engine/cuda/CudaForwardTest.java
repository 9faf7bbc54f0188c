package dev.sparkllm.engine.cuda;

import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.cpu.CpuModelRunner;
import dev.sparkllm.engine.kv.BlockTable;
import dev.sparkllm.engine.model.LayerWeights;
import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.model.ArchSwitches;
import dev.sparkllm.engine.model.ModelConfig;
import dev.sparkllm.engine.model.ModelWeights;
import dev.sparkllm.engine.model.RopeStyle;
import dev.sparkllm.engine.runtime.Backends;
import dev.sparkllm.engine.runtime.EngineOptions;
import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.runtime.GenerationResult;
import dev.sparkllm.engine.runtime.InferenceEngine;
import dev.sparkllm.engine.sampling.SamplingParams;
import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.sparkllm.engine.cuda.GpuTests.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole forward pass on the GPU against the CPU backend on the same weights: logits of a tiny
 * random F16 model and of a random BF16 model with Llama-3-8B's layer shapes (2 of its 32 layers),
 * greedy tokens of the tiny model step by step and through the engine (prefix sharing, continuous
 * batching), and seeded sampling that does not depend on the batch. Then the family switches
 * (Gemma 3: scaled embedding, q/k norms, sandwich norms, GeGLU, sliding layers with their own
 * RoPE base; Gemma 2: soft caps, every other layer sliding; Qwen3: q/k norms) on the same
 * comparison.
 */
class CudaForwardTest {
    private static final ModelConfig TINY = new ModelConfig("llama", 512, 256, 512, 2, 4, 2, 64, 1024, 1e-5f, 10000f,
            RopeStyle.INTERLEAVED, null, 1f);

    /** Per test, so every test is reported skipped with the reason (or failed where a GPU is required). */
    @org.junit.jupiter.api.BeforeEach
    void gpu() {
        requireGpu();
    }

    @Test
    void tinyModelLogitsAndGreedyTokensMatchTheCpu() {
        ModelWeights w = randomF16Weights(TINY, new Random(3));
        CpuModelRunner cpu = new CpuModelRunner(TINY, w, 1024);
        try (CudaModelRunner gpu = CudaModelRunner.load(TINY, w, new CudaSettings(0, 0.1, 0), 128, 8, 1024)) {
            cpu.allocateKv(64, 16);
            gpu.allocateKv(64, 16);
            BlockTable table = BlockTable.wholePool(64, 16);
            int[] prompt = new Random(5).ints(40, 0, TINY.vocabSize()).toArray();
            StepBatch batch = new StepBatch(128);
            for (int p = 0; p < prompt.length; p++) batch.add(prompt[p], p, table, p == prompt.length - 1);
            float[] cpuLogits = new float[TINY.vocabSize()], gpuLogits = new float[TINY.vocabSize()];
            cpu.forward(batch, cpuLogits);
            gpu.forward(batch, gpuLogits);
            double err = relativeError(gpuLogits, toDouble(cpuLogits));
            assertTrue(err < 1e-2, "prompt logits: relative error " + err);

            // Greedy decode, each backend feeding its own choice.
            int cpuToken = argmax(cpuLogits), gpuToken = argmax(gpuLogits);
            SamplingParams greedy = new SamplingParams(1, 0f, 0, 1f, 0f, null, List.of(), true);
            List<Integer> cpuTokens = new ArrayList<>(), gpuTokens = new ArrayList<>();
            for (int step = 0; step < 24; step++) {
                cpuTokens.add(cpuToken);
                gpuTokens.add(gpuToken);
                int pos = prompt.length + step;
                batch.clear();
                batch.add(cpuToken, pos, table, true);
                cpu.forward(batch, cpuLogits);
                cpuToken = argmax(cpuLogits);
                batch.clear();
                batch.add(gpuToken, pos, table, true);
                int[] next = new int[1];
                gpu.forwardAndSample(batch, new SamplingParams[] {greedy}, new float[] {0f}, next);
                gpuToken = next[0];
            }
            assertEquals(cpuTokens, gpuTokens);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"gemma3", "gemma3-d256", "gemma2", "qwen3"})
    void familySwitchesGiveTheCpuLogitsAndGreedyTokens(String family) {
        ModelConfig c = familyConfig(family);
        ModelWeights w = randomF16Weights(c, new Random(11));
        CpuModelRunner cpu = new CpuModelRunner(c, w, 1024);
        try (CudaModelRunner gpu = CudaModelRunner.load(c, w, new CudaSettings(0, 0.1, 0), 128, 8, 1024)) {
            cpu.allocateKv(64, 16);
            gpu.allocateKv(64, 16);
            BlockTable table = BlockTable.wholePool(64, 16);
            int[] prompt = new Random(5).ints(60, 0, c.vocabSize()).toArray();
            StepBatch batch = new StepBatch(128);
            for (int p = 0; p < prompt.length; p++) batch.add(prompt[p], p, table, p == prompt.length - 1);
            float[] cpuLogits = new float[c.vocabSize()], gpuLogits = new float[c.vocabSize()];
            cpu.forward(batch, cpuLogits);
            gpu.forward(batch, gpuLogits);
            double err = relativeError(gpuLogits, toDouble(cpuLogits));
            assertTrue(err < 1e-2, family + " prompt logits: relative error " + err);
            for (int step = 0; step < 16; step++) {
                int token = argmax(cpuLogits);
                batch.clear();
                batch.add(token, prompt.length + step, table, true);
                cpu.forward(batch, cpuLogits);
                gpu.forward(batch, gpuLogits);
                err = relativeError(gpuLogits, toDouble(cpuLogits));
                assertTrue(err < 1e-2, family + " decode step " + step + ": relative error " + err);
            }
        }
    }

    /** Tiny shapes, a window of 16 under a 76-token context. */
    private static ModelConfig familyConfig(String family) {
        ArchSwitches s = switch (family) {
            case "gemma3", "gemma3-d256" -> new ArchSwitches(16f, ArchSwitches.Activation.GELU_TANH, true, true, 16,
                    ArchSwitches.everyNthGlobal(3, 6), 10000f, 0f, 0f, 0f);
            case "gemma2" -> new ArchSwitches(16f, ArchSwitches.Activation.GELU_TANH, false, true, 16,
                    ArchSwitches.everyNthGlobal(3, 2), 0f, 1f / 12, 5f, 3f);
            case "qwen3" -> new ArchSwitches(1f, ArchSwitches.Activation.SILU, true, false, 0, null, 0f, 0f, 0f, 0f);
            default -> throw new IllegalArgumentException(family);
        };
        int headDim = family.endsWith("d256") ? 256 : 64; // Gemma 3's own head size, and the 64 of the others
        return new ModelConfig(family, 512, 256, 512, 3, 4, 1, headDim, 1024, 1e-6f, 1000000f, RopeStyle.HALF_SPLIT, null, 1f, s);
    }

    @Test
    void engineOnTheGpuGivesTheCpuEnginesGreedyTokensWithPrefixSharing() {
        ModelWeights w = randomF16Weights(TINY, new Random(4));
        LoadedModel model = SyntheticModels.wrap("tiny", TINY, w);
        Random rnd = new Random(9);
        int[] shared = rnd.ints(48, 0, TINY.vocabSize()).toArray();
        List<GenerationRequest> requests = new ArrayList<>();
        SamplingParams greedy = new SamplingParams(12, 0f, 0, 1f, 0f, null, List.of(), true);
        for (int i = 0; i < 6; i++) {
            int[] own = rnd.ints(5 + 7 * i, 0, TINY.vocabSize()).toArray();
            int[] p = i < 4 ? concat(shared, own) : own;
            requests.add(GenerationRequest.ofTokens("r" + i, p, greedy));
        }
        EngineOptions options = new EngineOptions(8, 64, 512).withKvCacheBytes(8L << 20);
        List<GenerationResult> onCpu, onGpu;
        try (InferenceEngine e = InferenceEngine.cpu(model, options)) {
            onCpu = e.generate(requests);
        }
        try (InferenceEngine e = Backends.onGpu(model, options, new CudaSettings(0, 0.1, 0))) {
            onGpu = e.generate(requests);
            assertTrue(e.metrics().cachedTokens() >= 3 * 48, "prefix blocks were shared: " + e.metrics());
        }
        for (int i = 0; i < requests.size(); i++) {
            assertEquals(null, onGpu.get(i).error());
            assertArrayEquals(onCpu.get(i).tokenIds(), onGpu.get(i).tokenIds(), "request " + i);
        }
    }

    @Test
    void seededSamplingDoesNotDependOnTheBatch() {
        ModelWeights w = randomF16Weights(TINY, new Random(6));
        LoadedModel model = SyntheticModels.wrap("tiny", TINY, w);
        SamplingParams seeded = new SamplingParams(16, 0.9f, 40, 0.95f, 0f, 1234L, List.of(), true);
        Random rnd = new Random(2);
        GenerationRequest probe = GenerationRequest.ofTokens("probe", rnd.ints(30, 0, 512).toArray(), seeded);
        List<GenerationRequest> crowd = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            crowd.add(GenerationRequest.ofTokens("c" + i, rnd.ints(10 + i, 0, 512).toArray(),
                    new SamplingParams(16, 1f, 0, 1f, 0f, (long) i, List.of(), true)));
        }
        crowd.add(3, probe);
        try (InferenceEngine e = Backends.onGpu(model, new EngineOptions(8, 64, 512).withKvCacheBytes(8L << 20), new CudaSettings(0, 0.1, 0))) {
            int[] alone = e.generate(List.of(probe)).get(0).tokenIds();
            int[] inCrowd = e.generate(crowd).get(3).tokenIds();
            assertEquals(16, alone.length);
            assertArrayEquals(alone, inCrowd);
        }
    }

    @Test
    void llama3ShapeLogitsMatchTheCpu() {
        ModelConfig c = SyntheticModels.llama3_8b(2);
        try (CudaModelRunner gpu = CudaModelRunner.random(c, ComputeType.BF16, 99, new CudaSettings(0, 0.5, 0), 64, 4, 256)) {
            gpu.makeCurrent();
            ModelWeights w = hostCopy(c, gpu.weights());
            CpuModelRunner cpu = new CpuModelRunner(c, w, 256);
            cpu.allocateKv(8, 16);
            gpu.allocateKv(8, 16);
            BlockTable table = BlockTable.wholePool(8, 16);
            int[] prompt = new Random(8).ints(20, 0, c.vocabSize()).toArray();
            StepBatch batch = new StepBatch(64);
            for (int p = 0; p < prompt.length; p++) batch.add(prompt[p], p, table, p == prompt.length - 1);
            float[] cpuLogits = new float[c.vocabSize()], gpuLogits = new float[c.vocabSize()];
            cpu.forward(batch, cpuLogits);
            gpu.forward(batch, gpuLogits);
            double err = relativeError(gpuLogits, toDouble(cpuLogits));
            System.out.printf("Llama-3-8B shape (2 layers), BF16: logits relative error %.2e, argmax cpu %d gpu %d%n", err, argmax(cpuLogits), argmax(gpuLogits));
            assertTrue(err < 3e-2, "logits relative error " + err);
        }
    }

    /** The device's random weights copied back into host tensors in GGUF layout (q/k/v and gate/up split again). */
    private static ModelWeights hostCopy(ModelConfig c, DeviceWeights d) {
        int dim = c.dim();
        LayerWeights[] layers = new LayerWeights[c.layers()];
        float[] ones = new float[dim];
        Arrays.fill(ones, 1f);
        for (int l = 0; l < layers.length; l++) {
            DeviceWeights.Layer L = d.layers[l];
            layers[l] = new LayerWeights(ones,
                    bf16("wq", DeviceWeights.download(L.qkv(), 0, c.qDim(), dim), c.qDim(), dim),
                    bf16("wk", DeviceWeights.download(L.qkv(), c.qDim(), c.kvDim(), dim), c.kvDim(), dim),
                    bf16("wv", DeviceWeights.download(L.qkv(), c.qDim() + c.kvDim(), c.kvDim(), dim), c.kvDim(), dim),
                    null, null, null,
                    bf16("wo", DeviceWeights.download(L.wo(), 0, dim, c.qDim()), dim, c.qDim()),
                    ones,
                    bf16("gate", DeviceWeights.download(L.gateUp(), 0, c.ffnDim(), dim), c.ffnDim(), dim),
                    bf16("up", DeviceWeights.download(L.gateUp(), c.ffnDim(), c.ffnDim(), dim), c.ffnDim(), dim),
                    bf16("down", DeviceWeights.download(L.down(), 0, dim, c.ffnDim()), dim, c.ffnDim()));
        }
        return new ModelWeights(bf16("embedding", DeviceWeights.download(d.embedding, 0, c.vocabSize(), dim), c.vocabSize(), dim),
                layers, ones, bf16("output", DeviceWeights.download(d.output, 0, c.vocabSize(), dim), c.vocabSize(), dim));
    }

    private static WeightTensor bf16(String name, ByteBuffer data, int rows, int cols) {
        return new WeightTensor(name, GgmlType.BF16, rows, cols, data);
    }

    static ModelWeights randomF16Weights(ModelConfig c, Random rnd) {
        int dim = c.dim();
        LayerWeights[] layers = new LayerWeights[c.layers()];
        for (int l = 0; l < layers.length; l++) {
            boolean qk = c.switches().qkNorm(), sandwich = c.switches().sandwichNorms();
            layers[l] = new LayerWeights(norm(dim, rnd), f16("wq", c.qDim(), dim, rnd), f16("wk", c.kvDim(), dim, rnd),
                    f16("wv", c.kvDim(), dim, rnd), null, null, null, f16("wo", dim, c.qDim(), rnd), norm(dim, rnd),
                    f16("gate", c.ffnDim(), dim, rnd), f16("up", c.ffnDim(), dim, rnd), f16("down", dim, c.ffnDim(), rnd),
                    qk ? norm(c.headDim(), rnd) : null, qk ? norm(c.headDim(), rnd) : null,
                    sandwich ? norm(dim, rnd) : null, sandwich ? norm(dim, rnd) : null);
        }
        return new ModelWeights(f16("embedding", c.vocabSize(), dim, rnd), layers, norm(dim, rnd), f16("output", c.vocabSize(), dim, rnd));
    }

    private static float[] norm(int n, Random rnd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = 0.8f + 0.4f * rnd.nextFloat();
        return v;
    }

    private static WeightTensor f16(String name, int rows, int cols, Random rnd) {
        ByteBuffer b = ByteBuffer.allocateDirect(2 * rows * cols).order(ByteOrder.LITTLE_ENDIAN);
        float scale = (float) Math.sqrt(3.0 / cols) * 2f;
        for (int i = 0; i < rows * cols; i++) b.putShort(encode(ComputeType.F16, (rnd.nextFloat() * 2 - 1) * scale));
        return new WeightTensor(name, GgmlType.F16, rows, cols, b.flip());
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private static int[] concat(int[] x, int[] y) {
        int[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }
}
