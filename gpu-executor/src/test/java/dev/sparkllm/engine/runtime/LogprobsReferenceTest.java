package dev.sparkllm.engine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.sampling.TokenLogprob;
import dev.sparkllm.engine.sampling.TokenLogprobs;
import dev.sparkllm.engine.testutil.TeacherForcing;
import dev.sparkllm.engine.testutil.TestModels;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import static dev.sparkllm.engine.testutil.JsonArrays.doubles;
import static dev.sparkllm.engine.testutil.JsonArrays.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Token log-probabilities against llama.cpp's on the same GGUF file
 * (generation-reference/smollm2-logprobs.jsonl, made by src/test/python/make_logprobs_reference.py:
 * log_softmax of llama.cpp's raw logits, top 5, at the first 8 positions of its greedy path for 8
 * prompts). Each prompt and llama.cpp's tokens go through the runner in one step (teacher forcing,
 * as in {@link GreedyReferenceTest}), and {@link TokenLogprobs} turns each position's logits into
 * log-probabilities.
 *
 * <p>The two engines' logits differ by noise (llama.cpp quantizes activations to 8 bits; mean
 * |diff| about 0.13 logits, at most about 0.7), and a log-probability inherits that noise from the
 * token's logit and from the log-sum-exp. So the test bounds the error of the log-probability of
 * llama.cpp's top token (mean under {@value #MEAN_TOLERANCE}, each under {@value #MAX_TOLERANCE})
 * and asks that the top-5 sets overlap strongly (on average at least {@value #MIN_MEAN_OVERLAP} of
 * 5 ids, and the top token always among ours); it prints the measured figures.
 */
class LogprobsReferenceTest {
    static final double MEAN_TOLERANCE = 0.15;
    static final double MAX_TOLERANCE = 0.8;
    static final double MIN_MEAN_OVERLAP = 4.0;
    static final int TOP_N = 5;

    record Step(int[] topIds, double[] topLogprobs) {}

    record Reference(String id, int[] prompt, int[] forced, List<Step> steps) {}

    @Test
    void logprobsMatchLlamaCppWithinItsLogitNoise() throws IOException {
        List<Reference> refs = load();
        LoadedModel model = TestModels.smolLm2();
        int vocab = model.config().vocabSize();
        TokenLogprobs math = new TokenLogprobs();
        double sumError = 0, maxError = 0, sumAllError = 0;
        int steps = 0, overlapSum = 0, minOverlap = TOP_N, pairs = 0;
        List<String> failures = new ArrayList<>();
        for (Reference ref : refs) {
            int n = ref.forced.length;
            float[] logits = TeacherForcing.logits(model, ref.prompt, ref.forced, n);
            for (int step = 0; step < n; step++) {
                Step expected = ref.steps.get(step);
                float[] row = Arrays.copyOfRange(logits, step * vocab, (step + 1) * vocab);
                TokenLogprob ours = math.compute(row, expected.topIds[0], TOP_N, null);
                double error = Math.abs(ours.logprob() - expected.topLogprobs[0]);
                sumError += error;
                maxError = Math.max(maxError, error);
                steps++;
                Set<Integer> ourIds = new HashSet<>();
                for (TokenLogprob t : ours.top()) ourIds.add(t.id());
                int overlap = 0;
                for (int k = 0; k < TOP_N; k++) {
                    int id = expected.topIds[k];
                    sumAllError += Math.abs((row[id] - (row[ours.id()] - ours.logprob())) - expected.topLogprobs[k]);
                    pairs++;
                    if (ourIds.contains(id)) overlap++;
                }
                overlapSum += overlap;
                minOverlap = Math.min(minOverlap, overlap);
                if (!ourIds.contains(expected.topIds[0])) failures.add(ref.id + " step " + step + ": llama.cpp's top token "
                        + expected.topIds[0] + " is not in our top " + TOP_N + " " + ourIds);
                if (error > MAX_TOLERANCE) failures.add(ref.id + " step " + step + ": logprob " + ours.logprob()
                        + " vs llama.cpp " + expected.topLogprobs[0]);
            }
        }
        double meanError = sumError / steps;
        double meanOverlap = overlapSum / (double) steps;
        System.out.printf("logprobs vs llama.cpp over %d positions: top token |diff| mean %.4f max %.4f;"
                        + " all top-%d |diff| mean %.4f; top-%d overlap mean %.2f min %d%n",
                steps, meanError, maxError, TOP_N, sumAllError / pairs, TOP_N, meanOverlap, minOverlap);
        assertEquals(64, steps, "the fixture's positions");
        assertTrue(failures.isEmpty(), "logprobs differ from llama.cpp: " + failures);
        assertTrue(meanError < MEAN_TOLERANCE, "mean |diff| of the top token's logprob " + meanError);
        assertTrue(meanOverlap >= MIN_MEAN_OVERLAP, "mean top-" + TOP_N + " overlap " + meanOverlap);
    }

    static List<Reference> load() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Reference> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                LogprobsReferenceTest.class.getResourceAsStream("/generation-reference/smollm2-logprobs.jsonl")),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode n = json.readTree(line);
                List<Step> steps = new ArrayList<>();
                for (JsonNode s : n.get("steps")) steps.add(new Step(ints(s.get("top_ids")), doubles(s.get("top_logprobs"))));
                out.add(new Reference(n.get("id").asText(), ints(n.get("prompt_ids")), ints(n.get("forced_ids")), steps));
            }
        }
        return out;
    }
}
