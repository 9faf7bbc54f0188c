package dev.sparkllm.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** Whatever the logits and settings, the sampled token is one the filters allow. */
class SamplerPropertiesTest {

    @Property(tries = 400)
    void sampledTokenIsAlwaysAllowed(
            @ForAll @Size(min = 1, max = 300) List<@FloatRange(min = -20f, max = 20f) Float> values,
            @ForAll @IntRange(min = 0, max = 320) int topK,
            @ForAll @FloatRange(min = 0.01f, max = 1f) float topP,
            @ForAll @FloatRange(min = 0f, max = 1f) float minP,
            @ForAll @FloatRange(min = 0.05f, max = 3f) float temperature,
            @ForAll @LongRange long seed) {
        float[] logits = new float[values.size()];
        for (int i = 0; i < logits.length; i++) logits[i] = values.get(i);
        SamplingParams p = new SamplingParams(1, temperature, topK, topP, minP, seed, List.of(), false);
        Set<Integer> allowed = allowedTokens(logits, p);
        Sampler sampler = new Sampler(logits.length);
        RequestRandom random = new RequestRandom(seed);
        for (int i = 0; i < 20; i++) {
            int token = sampler.sample(logits, p, random);
            assertTrue(allowed.contains(token), "token " + token + " not in " + allowed);
        }
    }

    /**
     * The straightforward definition: sort everything, then top-k, top-p, min-p. Tokens whose probability
     * sits within rounding of a threshold are allowed either way (float vs double accumulation).
     */
    private static Set<Integer> allowedTokens(float[] logits, SamplingParams p) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) order.add(i);
        order.sort(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i));
        int n = p.topK() > 0 ? Math.min(p.topK(), order.size()) : order.size();
        double max = logits[order.get(0)];
        double z = 0;
        for (int i = 0; i < n; i++) z += Math.exp(logits[order.get(i)] - max);
        int kept = n;
        if (p.topP() < 1f) {
            double cumulative = 0;
            for (int i = 0; i < n; i++) {
                cumulative += Math.exp(logits[order.get(i)] - max) / z;
                if (cumulative >= p.topP() - 1e-6) {
                    kept = i + 1;
                    break;
                }
            }
        }
        Set<Integer> allowed = new HashSet<>();
        double threshold = max + Math.log(p.minP()) - 1e-6;
        for (int i = 0; i < kept; i++) {
            if (p.minP() == 0f || logits[order.get(i)] >= threshold) allowed.add(order.get(i));
        }
        // a token tied with the last kept one may stand in for it
        float last = logits[order.get(kept - 1)];
        for (int i = kept; i < n && logits[order.get(i)] == last; i++) allowed.add(order.get(i));
        return allowed;
    }
}
