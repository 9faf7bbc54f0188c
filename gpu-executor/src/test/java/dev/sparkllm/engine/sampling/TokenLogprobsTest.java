package dev.sparkllm.engine.sampling;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TokenLogprobs} against a plain double-precision log_softmax and a full sort. */
class TokenLogprobsTest {
    private final TokenLogprobs math = new TokenLogprobs();

    /** log_softmax over the finite logits, the naive way: every term in double, no tricks. */
    private static double[] reference(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) if (Float.isFinite(v)) max = Math.max(max, v);
        double sum = 0;
        for (float v : logits) if (Float.isFinite(v)) sum += Math.exp(v - max);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) out[i] = Float.isFinite(logits[i]) ? logits[i] - max - Math.log(sum) : Double.NaN;
        return out;
    }

    /** Finite ids by descending logit, lower id first on ties. */
    private static List<Integer> ranking(float[] logits) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) if (Float.isFinite(logits[i])) ids.add(i);
        ids.sort(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i));
        return ids;
    }

    private static void check(float[] logits, int sampled, int topN, TokenLogprob got) {
        double[] ref = reference(logits);
        assertEquals(sampled, got.id());
        assertEquals(ref[sampled], got.logprob(), 1e-5, "sampled token's logprob");
        List<Integer> best = ranking(logits);
        int expectedCount = Math.min(topN, best.size());
        assertEquals(expectedCount, got.top().size());
        for (int k = 0; k < expectedCount; k++) {
            TokenLogprob t = got.top().get(k);
            assertEquals(best.get(k), t.id(), "rank " + k);
            assertEquals(ref[t.id()], t.logprob(), 1e-5);
            assertTrue(t.top().isEmpty());
            if (k > 0) assertTrue(t.logprob() <= got.top().get(k - 1).logprob(), "descending");
        }
    }

    @Test
    void matchesTheScalarReferenceOnRandomLogits() {
        Random random = new Random(42);
        for (int trial = 0; trial < 200; trial++) {
            int vocab = 1 + random.nextInt(3000);
            float[] logits = new float[vocab];
            float scale = 1 + random.nextInt(30);
            for (int i = 0; i < vocab; i++) logits[i] = (float) (random.nextGaussian() * scale);
            if (trial % 4 == 0) for (int i = 0; i < vocab; i += 7) logits[i] = 3f; // ties
            int topN = random.nextInt(SamplingParams.MAX_LOGPROBS + 1);
            int sampled = random.nextInt(vocab);
            check(logits, sampled, topN, math.compute(logits, sampled, topN, null));
        }
    }

    @Test
    void aRowOfABatchGivesWhatTheRowAloneGives() {
        Random random = new Random(7);
        int vocab = 500;
        float[] batch = new float[3 * vocab];
        for (int i = 0; i < batch.length; i++) batch[i] = (float) random.nextGaussian() * 4;
        float[] row = java.util.Arrays.copyOfRange(batch, vocab, 2 * vocab);
        assertEquals(math.compute(row, 17, 5, null), math.compute(batch, vocab, vocab, 17, 5, null));
    }

    @Test
    void nonFiniteLogitsAreNeverAlternativesAndAddNoMass() {
        float[] logits = {Float.NaN, 1f, Float.NEGATIVE_INFINITY, 2f, Float.POSITIVE_INFINITY, 0.5f, Float.NaN};
        TokenLogprob got = math.compute(logits, 1, 20, null);
        check(logits, 1, 20, got);
        assertEquals(List.of(3, 1, 5), got.top().stream().map(TokenLogprob::id).toList());
        double z = Math.log(Math.exp(0) + Math.exp(-1) + Math.exp(-1.5));
        assertEquals(-z, got.top().get(0).logprob(), 1e-6);
    }

    @Test
    void aSampledTokenWithMinusInfinityHasLogprobMinusInfinity() {
        float[] logits = {0f, Float.NEGATIVE_INFINITY, 1f};
        assertEquals(Float.NEGATIVE_INFINITY, math.compute(logits, 1, 0, null).logprob());
    }

    @Test
    void aVocabularyOfOneHasLogprobZero() {
        TokenLogprob got = math.compute(new float[] {-12.5f}, 0, 5, id -> "only");
        assertEquals(0f, got.logprob());
        assertEquals("only", got.token());
        assertEquals(1, got.top().size());
        assertEquals(0f, got.top().get(0).logprob());
    }

    @Test
    void moreAlternativesThanFiniteLogitsListsTheFiniteOnes() {
        float[] logits = {Float.NaN, 5f, Float.NEGATIVE_INFINITY, 5f};
        TokenLogprob got = math.compute(logits, 3, 20, null);
        assertEquals(List.of(1, 3), got.top().stream().map(TokenLogprob::id).toList());
        assertEquals((float) Math.log(0.5), got.logprob(), 1e-6);
    }

    @Test
    void zeroListsNoAlternativesAndTextIsOptional() {
        TokenLogprob got = math.compute(new float[] {1f, 2f, 3f}, 2, 0, null);
        assertTrue(got.top().isEmpty());
        assertNull(got.token());
    }

    @Test
    void largeLogitsDoNotOverflow() {
        float[] logits = {1e30f, 1e30f, -1e30f};
        TokenLogprob got = math.compute(logits, 0, 3, null);
        assertEquals((float) Math.log(0.5), got.logprob(), 1e-6);
        assertEquals(3, got.top().size());
    }

    @Test
    void rejectsOutOfRangeCountsAndRowsWithNothingFinite() {
        assertThrows(IllegalArgumentException.class, () -> math.compute(new float[] {1f}, 0, 21, null));
        assertThrows(IllegalArgumentException.class, () -> math.compute(new float[] {1f}, 0, -1, null));
        assertThrows(IllegalArgumentException.class, () -> math.compute(new float[] {Float.NaN}, 0, 1, null));
    }

    @Test
    void samplingParamsValidateTheRangeByName() {
        assertNull(SamplingParams.GREEDY.validationError());
        assertEquals(-1, SamplingParams.GREEDY.logprobs());
        assertNull(SamplingParams.GREEDY.withLogprobs(0).validationError());
        assertNull(SamplingParams.GREEDY.withLogprobs(20).validationError());
        for (int bad : new int[] {-2, 21, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            String error = SamplingParams.GREEDY.withLogprobs(bad).validationError();
            assertTrue(error != null && error.startsWith("logprobs must be"), error);
        }
        assertEquals(7, SamplingParams.GREEDY.withLogprobs(7).withMaxTokens(3).logprobs());
    }
}
