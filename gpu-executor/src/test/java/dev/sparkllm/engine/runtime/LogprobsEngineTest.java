package dev.sparkllm.engine.runtime;

import dev.sparkllm.engine.backend.ForwardTimes;
import dev.sparkllm.engine.backend.ModelRunner;
import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.cpu.CpuModelRunner;
import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.sampling.SamplingParams;
import dev.sparkllm.engine.sampling.TokenLogprob;
import dev.sparkllm.engine.testutil.TestModels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Log-probabilities through the whole engine: they describe the tokens and never change them. */
class LogprobsEngineTest {
    private static final LoadedModel MODEL = TestModels.smolLm2();
    private static final List<String> PROMPTS = List.of(
            "What is the capital of Italy?", "Name two fruits.", "Write a short poem about rivers.");

    private static List<GenerationResult> run(SamplingParams p) {
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < PROMPTS.size(); i++) requests.add(GenerationRequest.ofPrompt("r" + i, PROMPTS.get(i), p));
        try (InferenceEngine engine = InferenceEngine.cpu(MODEL, new EngineOptions(4, 512, 1024))) {
            return engine.generate(requests);
        }
    }

    @Test
    void greedyTokensAreTheSameWithLogprobsAndTheSampledTokenIsTheBest() {
        SamplingParams greedy = new SamplingParams(12, 0f, 0, 1f, 0f, null, List.of(), false);
        List<GenerationResult> off = run(greedy);
        List<GenerationResult> on = run(greedy.withLogprobs(3));
        for (int i = 0; i < PROMPTS.size(); i++) {
            assertTrue(off.get(i).logprobs().isEmpty(), "not asked, none recorded");
            GenerationResult r = on.get(i);
            assertArrayEquals(off.get(i).tokenIds(), r.tokenIds());
            assertEquals(off.get(i).text(), r.text());
            assertEquals(r.tokenIds().length, r.logprobs().size());
            for (int t = 0; t < r.logprobs().size(); t++) {
                TokenLogprob lp = r.logprobs().get(t);
                assertEquals(r.tokenIds()[t], lp.id());
                assertTrue(lp.logprob() <= 0f, "log-probability " + lp.logprob());
                assertEquals(3, lp.top().size());
                assertEquals(lp.id(), lp.top().get(0).id(), "greedy picks the most likely token");
                assertEquals(lp.logprob(), lp.top().get(0).logprob());
                for (int k = 1; k < 3; k++) assertTrue(lp.top().get(k).logprob() <= lp.top().get(k - 1).logprob());
                assertNotNull(lp.token());
            }
        }
        GenerationResult first = on.get(0);
        // EOS is listed (it was generated) but adds no text
        int textTokens = first.finishReason().equals("stop") ? first.logprobs().size() - 1 : first.logprobs().size();
        String joined = String.join("", first.logprobs().subList(0, textTokens).stream().map(TokenLogprob::token).toList());
        assertEquals(first.text(), joined, "ASCII tokens' texts add up to the text");
    }

    @Test
    void seededSamplingChoosesTheSameTokensWithLogprobs() {
        SamplingParams sampled = new SamplingParams(16, 0.9f, 40, 0.95f, 0.02f, 1234L, List.of(), false);
        List<GenerationResult> off = run(sampled);
        List<GenerationResult> on = run(sampled.withLogprobs(0));
        for (int i = 0; i < PROMPTS.size(); i++) {
            assertArrayEquals(off.get(i).tokenIds(), on.get(i).tokenIds(), PROMPTS.get(i));
            assertEquals(on.get(i).tokenIds().length, on.get(i).logprobs().size());
            for (TokenLogprob lp : on.get(i).logprobs()) {
                assertTrue(lp.top().isEmpty());
                assertTrue(lp.logprob() <= 0f && Float.isFinite(lp.logprob()));
            }
        }
        assertFalse(on.get(2).logprobs().stream().allMatch(lp -> lp.logprob() == 0f));
    }

    /**
     * A runner that chooses tokens itself, like the CUDA one: the CPU forward, then its own pick
     * (argmax, or inverse CDF of softmax(logit / T) at the row's draw). It counts the steps whose
     * logits were asked for.
     */
    private static final class DeviceSamplingRunner implements ModelRunner {
        final CpuModelRunner cpu = new CpuModelRunner(MODEL.config(), MODEL.weights(), 1024);
        int stepsWithHostLogits;
        float[] logits = new float[0];

        @Override public boolean samplesOnDevice() { return true; }
        @Override public void allocateKv(int blocks, int blockSize) { cpu.allocateKv(blocks, blockSize); }
        @Override public long kvBytesPerBlock(int blockSize) { return cpu.kvBytesPerBlock(blockSize); }
        @Override public void forward(StepBatch batch, float[] out) { cpu.forward(batch, out); }
        @Override public int vocabSize() { return cpu.vocabSize(); }
        @Override public int contextLength() { return cpu.contextLength(); }
        @Override public ForwardTimes takeForwardTimes() { return cpu.takeForwardTimes(); }

        @Override
        public void forwardAndSample(StepBatch batch, SamplingParams[] params, float[] draws, int[] tokens) {
            forwardAndSample(batch, params, draws, tokens, null);
        }

        @Override
        public void forwardAndSample(StepBatch batch, SamplingParams[] params, float[] draws, int[] tokens, float[] hostLogits) {
            int vocab = vocabSize();
            if (logits.length < params.length * vocab) logits = new float[params.length * vocab];
            cpu.forward(batch, logits);
            if (hostLogits != null) {
                stepsWithHostLogits++;
                System.arraycopy(logits, 0, hostLogits, 0, params.length * vocab);
            }
            for (int row = 0; row < params.length; row++) tokens[row] = pick(row * vocab, vocab, params[row].temperature(), draws[row]);
        }

        private int pick(int from, int vocab, float temperature, float draw) {
            int best = 0;
            for (int i = 1; i < vocab; i++) if (logits[from + i] > logits[from + best]) best = i;
            if (temperature == 0f) return best;
            double sum = 0;
            for (int i = 0; i < vocab; i++) sum += Math.exp((logits[from + i] - logits[from + best]) / temperature);
            double target = draw * sum, cumulative = 0;
            for (int i = 0; i < vocab; i++) {
                cumulative += Math.exp((logits[from + i] - logits[from + best]) / temperature);
                if (cumulative > target) return i;
            }
            return best;
        }
    }

    private static List<GenerationResult> runOnDevice(DeviceSamplingRunner runner, List<SamplingParams> params) {
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) requests.add(GenerationRequest.ofPrompt("r" + i, PROMPTS.get(i), params.get(i)));
        try (InferenceEngine engine = new InferenceEngine(MODEL, runner, new EngineOptions(4, 512, 1024))) {
            return engine.generate(requests);
        }
    }

    /** A runner that samples on its device keeps choosing every token; only the logits of asking steps come back too. */
    @Test
    void aDeviceSamplingRunnerCopiesLogitsOnlyForStepsThatAsk() {
        SamplingParams greedy = new SamplingParams(8, 0f, 0, 1f, 0f, null, List.of(), false);
        SamplingParams seeded = new SamplingParams(8, 0.8f, 0, 1f, 0f, 99L, List.of(), false);
        DeviceSamplingRunner offRunner = new DeviceSamplingRunner();
        List<GenerationResult> off = runOnDevice(offRunner, List.of(greedy, seeded, greedy));
        assertEquals(0, offRunner.stepsWithHostLogits, "nobody asked: no logits left the device");
        DeviceSamplingRunner onRunner = new DeviceSamplingRunner();
        List<GenerationResult> on = runOnDevice(onRunner, List.of(greedy.withLogprobs(2), seeded.withLogprobs(0), greedy));
        assertTrue(onRunner.stepsWithHostLogits > 0);
        for (int i = 0; i < 3; i++) assertArrayEquals(off.get(i).tokenIds(), on.get(i).tokenIds(), "row " + i);
        for (int i = 0; i < 2; i++) {
            GenerationResult r = on.get(i);
            assertEquals(r.tokenIds().length, r.logprobs().size());
            for (int t = 0; t < r.tokenIds().length; t++) {
                assertEquals(r.tokenIds()[t], r.logprobs().get(t).id());
                assertTrue(r.logprobs().get(t).logprob() <= 0f);
            }
        }
        for (TokenLogprob lp : on.get(0).logprobs()) assertEquals(lp.id(), lp.top().get(0).id());
        assertTrue(on.get(2).logprobs().isEmpty(), "a row that did not ask, in the same steps");
    }

    @Test
    void anOutOfRangeCountIsTheRowsErrorNamingTheOption() {
        GenerationResult r = run(SamplingParams.GREEDY.withLogprobs(21)).get(0);
        assertFalse(r.ok());
        assertTrue(r.error().contains("logprobs must be"), r.error());
        assertTrue(r.logprobs().isEmpty());
    }
}
