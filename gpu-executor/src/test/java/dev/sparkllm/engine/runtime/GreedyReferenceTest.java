package dev.sparkllm.engine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.sampling.SamplingParams;
import dev.sparkllm.engine.testutil.TestModels;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Greedy continuations of 34 chat prompts against llama.cpp on the same GGUF file
 * (generation-reference/smollm2-greedy.jsonl, made by src/test/python/make_generation_reference.py).
 *
 * <p>The two engines round differently (llama.cpp quantizes activations to 8 bits before its
 * Q4_1 dot products; this engine keeps them in float), so where the best two logits are nearly
 * tied the argmax may differ and the continuations part ways. The test therefore demands: every
 * first divergence happens at a step where llama.cpp's own top-2 gap was small
 * ({@value #NEAR_TIE} logits), and most prompts match in full. It prints how often each happens.
 */
class GreedyReferenceTest {
    static final double NEAR_TIE = 0.25;
    static final int STEPS = 64;

    record Reference(String id, int[] prompt, int[] greedy, double[] gaps) {}

    @Test
    void greedyTokensMatchLlamaCppExceptAtNearTies() throws IOException {
        List<Reference> refs = load();
        LoadedModel model = TestModels.smolLm2();
        List<GenerationRequest> requests = new ArrayList<>();
        SamplingParams greedy = new SamplingParams(STEPS, 0f, 0, 1f, 0f, null, List.of(), true);
        for (Reference r : refs) requests.add(GenerationRequest.ofTokens(r.id, r.prompt, greedy));
        List<GenerationResult> results;
        try (InferenceEngine engine = InferenceEngine.cpu(model, new EngineOptions(8, 512, 1024))) {
            results = engine.generate(requests);
        }
        int identical = 0;
        List<String> report = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            Reference ref = refs.get(i);
            GenerationResult res = results.get(i);
            if (!res.ok()) {
                failures.add(ref.id + ": error " + res.error());
                continue;
            }
            int diverge = firstDifference(ref.greedy, res.tokenIds());
            if (diverge < 0) {
                identical++;
                continue;
            }
            double gap = diverge < ref.gaps.length ? ref.gaps[diverge] : 0;
            String line = ref.id + " diverges at step " + diverge + " (llama.cpp top-2 gap " + gap + ")";
            report.add(line);
            if (gap > NEAR_TIE) failures.add(line + " which is not a near-tie");
        }
        System.out.printf("greedy vs llama.cpp: %d/%d identical over %d steps; divergences: %s%n",
                identical, refs.size(), STEPS, report);
        assertTrue(failures.isEmpty(), "divergences not explained by near-ties: " + failures);
        assertTrue(identical * 2 >= refs.size(), "fewer than half the prompts match llama.cpp in full: " + report);
    }

    static int firstDifference(int[] expected, int[] actual) {
        int n = Math.min(expected.length, actual.length);
        for (int i = 0; i < n; i++) if (expected[i] != actual[i]) return i;
        return expected.length == actual.length ? -1 : n;
    }

    static List<Reference> load() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Reference> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                GreedyReferenceTest.class.getResourceAsStream("/generation-reference/smollm2-greedy.jsonl")),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode n = json.readTree(line);
                out.add(new Reference(n.get("id").asText(), ints(n.get("prompt_ids")), ints(n.get("greedy_ids")),
                        doubles(n.get("top2_gap"))));
            }
        }
        return out;
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }

    private static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asDouble();
        return out;
    }
}
