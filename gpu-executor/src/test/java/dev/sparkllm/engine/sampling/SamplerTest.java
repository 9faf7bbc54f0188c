package dev.sparkllm.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static final int VOCAB = 49_152;

    private static SamplingParams params(float temperature, int topK, float topP, float minP, Long seed) {
        return new SamplingParams(16, temperature, topK, topP, minP, seed, List.of(), false);
    }

    private static float[] randomLogits(long seed, int vocab) {
        Random r = new Random(seed);
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) logits[i] = (float) (r.nextGaussian() * 3);
        return logits;
    }

    @Test
    void greedyTakesTheLowestIdAmongTies() {
        float[] logits = {1f, 5f, 2f, 5f, 5f, Float.NaN};
        Sampler sampler = new Sampler(logits.length);
        assertEquals(1, sampler.sample(logits, SamplingParams.GREEDY, null));
        assertEquals(1, Sampler.argmax(logits));
        assertEquals(2, Sampler.argmax(new float[] {Float.NaN, Float.NEGATIVE_INFINITY, -3f}));
    }

    @Test
    void topKOfOneIsGreedyAtAnyTemperature() {
        Sampler sampler = new Sampler(VOCAB);
        for (long seed = 0; seed < 20; seed++) {
            float[] logits = randomLogits(seed, VOCAB);
            logits[(int) (seed * 977 % VOCAB)] = logits[Sampler.argmax(logits)]; // a tie with a later or earlier id
            int greedy = Sampler.argmax(logits);
            assertEquals(greedy, sampler.sample(logits, params(5f, 1, 1f, 0f, seed), new RequestRandom(seed)));
        }
    }

    @Test
    void tinyTopPIsGreedy() {
        Sampler sampler = new Sampler(VOCAB);
        for (long seed = 0; seed < 20; seed++) {
            float[] logits = randomLogits(seed, VOCAB);
            assertEquals(Sampler.argmax(logits),
                    sampler.sample(logits, params(1.5f, 0, 1e-6f, 0f, seed), new RequestRandom(seed)));
            assertEquals(Sampler.argmax(logits),
                    sampler.sample(logits, params(1.5f, 40, 1e-6f, 0f, seed), new RequestRandom(seed)));
        }
    }

    @Test
    void minPDropsTokensBelowItsShareOfTheTopProbability() {
        // probabilities 0.5, 0.3, 0.15, 0.05: min_p 0.5 keeps p >= 0.25, i.e. tokens 0 and 1
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
        Sampler sampler = new Sampler(4);
        RequestRandom random = new RequestRandom(7);
        int[] counts = new int[4];
        for (int i = 0; i < 20_000; i++) counts[sampler.sample(logits, params(1f, 0, 1f, 0.5f, null), random)]++;
        assertEquals(0, counts[2] + counts[3]);
        assertEquals(0.5 / 0.8, counts[0] / 20_000.0, 0.02);
    }

    @Test
    void topPKeepsTheTokenThatCrossesTheThreshold() {
        // probabilities 0.5, 0.3, 0.15, 0.05: top_p 0.7 keeps {0, 1}; 0.8 keeps {0, 1} (0.5 + 0.3 reaches it); 0.81 adds 2
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
        assertEquals(2, distinctSampled(logits, params(1f, 0, 0.7f, 0f, null)));
        assertEquals(3, distinctSampled(logits, params(1f, 0, 0.81f, 0f, null)));
        assertEquals(3, distinctSampled(logits, params(1f, 3, 1f, 0f, null)));
    }

    private static int distinctSampled(float[] logits, SamplingParams p) {
        Sampler sampler = new Sampler(logits.length);
        RequestRandom random = new RequestRandom(11);
        boolean[] seen = new boolean[logits.length];
        for (int i = 0; i < 5_000; i++) seen[sampler.sample(logits, p, random)] = true;
        int n = 0;
        for (boolean b : seen) if (b) n++;
        return n;
    }

    @Test
    void temperatureReshapesTheDistribution() {
        double[] p = {0.5, 0.3, 0.2};
        float[] logits = new float[p.length];
        for (int i = 0; i < p.length; i++) logits[i] = (float) Math.log(p[i]);
        for (float temperature : new float[] {1f, 2f, 0.5f}) {
            double[] expected = new double[p.length];
            double z = 0;
            for (int i = 0; i < p.length; i++) z += expected[i] = Math.pow(p[i], 1 / temperature);
            int draws = 30_000;
            int[] counts = new int[p.length];
            Sampler sampler = new Sampler(p.length);
            RequestRandom random = new RequestRandom(42);
            for (int i = 0; i < draws; i++) counts[sampler.sample(logits, params(temperature, 0, 1f, 0f, null), random)]++;
            double chiSquare = 0;
            for (int i = 0; i < p.length; i++) {
                double e = draws * expected[i] / z;
                chiSquare += (counts[i] - e) * (counts[i] - e) / e;
            }
            // 2 degrees of freedom: P(chi2 > 13.8) = 0.001. Deterministic anyway, thanks to the fixed seed.
            assertTrue(chiSquare < 13.8, "T=" + temperature + " chi2=" + chiSquare);
        }
    }

    @Test
    void sameSeedSameTokensDifferentSeedDifferentTokens() {
        float[] logits = randomLogits(3, VOCAB);
        for (int i = 0; i < VOCAB; i++) logits[i] /= 3; // flatter, so seeds matter
        SamplingParams p = params(1f, 50, 0.95f, 0.01f, 1234L);
        assertArrayEquals(run(logits, p, "a"), run(logits, p, "b")); // the seed decides, not the id
        SamplingParams unseeded = params(1f, 50, 0.95f, 0.01f, null);
        assertArrayEquals(run(logits, unseeded, "req-1"), run(logits, unseeded, "req-1"));
        assertNotEquals(List.of(run(logits, unseeded, "req-1")), List.of(run(logits, unseeded, "req-2")));
        assertTrue(!java.util.Arrays.equals(run(logits, unseeded, "req-1"), run(logits, unseeded, "req-2")));
    }

    private static int[] run(float[] logits, SamplingParams p, String requestId) {
        Sampler sampler = new Sampler(logits.length);
        RequestRandom random = RequestRandom.forRequest(p, requestId);
        int[] out = new int[32];
        for (int i = 0; i < out.length; i++) out[i] = sampler.sample(logits, p, random);
        return out;
    }

    @Test
    void nonFiniteLogitsAreNeverChosen() {
        float[] logits = {Float.NaN, 0f, Float.NEGATIVE_INFINITY, 0f, Float.POSITIVE_INFINITY};
        Sampler sampler = new Sampler(logits.length);
        RequestRandom random = new RequestRandom(5);
        for (int i = 0; i < 1_000; i++) {
            int t = sampler.sample(logits, params(1f, 0, 1f, 0f, null), random);
            assertTrue(t == 1 || t == 3);
            t = sampler.sample(logits, params(1f, 0, 0.9f, 0.1f, null), random);
            assertTrue(t == 1 || t == 3);
        }
        assertThrows(IllegalArgumentException.class,
                () -> sampler.sample(new float[] {Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN},
                        params(1f, 0, 1f, 0f, null), random));
        assertThrows(IllegalArgumentException.class, () -> sampler.sample(new float[3], SamplingParams.GREEDY, random));
    }

    @Test
    void fastEnoughForAVocabOf49152() {
        Sampler sampler = new Sampler(VOCAB);
        float[] flat = randomLogits(9, VOCAB); // a flat distribution: the worst case for top-p
        SamplingParams[] settings = {params(0.8f, 40, 0.95f, 0.05f, null), params(0.8f, 0, 0.95f, 0f, null),
                params(0.8f, 0, 1f, 0.05f, null), params(1f, 0, 1f, 0f, null)};
        RequestRandom random = new RequestRandom(1);
        for (SamplingParams p : settings) {
            for (int i = 0; i < 50; i++) sampler.sample(flat, p, random); // warm up
            double best = 0; // best of several batches, so a busy machine does not fail the test
            for (int batch = 0; batch < 5; batch++) {
                long start = System.nanoTime();
                int calls = 40;
                for (int i = 0; i < calls; i++) sampler.sample(flat, p, random);
                best = Math.max(best, calls / ((System.nanoTime() - start) / 1e9));
            }
            assertTrue(best > 100, p + ": " + best + " calls/s");
        }
    }
}
