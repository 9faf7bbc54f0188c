package dev.sparkllm.engine.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * log_softmax of one row of raw logits, for the sampled token and the best {@code topN} tokens.
 *
 * <p>Why the raw logits: the log-probabilities describe the model, not the sampling settings. They
 * are taken before temperature, top-k, top-p and min-p, which is what llama.cpp returns and vLLM's
 * default ("raw_logprobs"), so the same request gives the same numbers whatever its sampling.
 *
 * <p>Why this shape: a request that asks pays two linear passes over its row and no sort (the first
 * finds the maximum and keeps the best {@code topN} in a heap of at most {@value
 * SamplingParams#MAX_LOGPROBS}; the second sums {@code exp(logit - max)} in double, so a 50k-token
 * vocabulary loses no precision); a request that does not ask is never passed here. Non-finite
 * logits (NaN, infinities, masked tokens) are never among the alternatives and add nothing to the
 * sum; ranking and tie order (lower id first) are the {@link Sampler}'s, so at temperature 0 the
 * sampled token is the first alternative. Not thread-safe: one instance per scheduler.
 */
public final class TokenLogprobs {
    /** The best topN so far, a {@link BestKeys} heap of {@link Sampler#key}s. */
    private final long[] heap = new long[SamplingParams.MAX_LOGPROBS];

    /**
     * The sampled token's log-probability with the {@code topN} most likely tokens (fewer when fewer
     * logits are finite).
     *
     * @param text a token id's text, or null for entries without text
     * @throws IllegalArgumentException if topN is outside 0..{@value SamplingParams#MAX_LOGPROBS} or no logit is finite
     */
    public TokenLogprob compute(float[] logits, int sampled, int topN, IntFunction<String> text) {
        return compute(logits, 0, logits.length, sampled, topN, text);
    }

    /** {@link #compute(float[], int, int, IntFunction)} on the row {@code logits[from, from + vocab)} of a batch's logits. */
    public TokenLogprob compute(float[] logits, int from, int vocab, int sampled, int topN, IntFunction<String> text) {
        if (topN < 0 || topN > heap.length) {
            throw new IllegalArgumentException("logprobs must be in 0.." + heap.length + ", got " + topN);
        }
        float max = Float.NEGATIVE_INFINITY;
        int finite = 0;
        int size = 0;
        for (int i = 0; i < vocab; i++) {
            float v = logits[from + i];
            if (!Sampler.isUsable(v)) continue;
            finite++;
            if (v > max) max = v;
            if (topN == 0) continue;
            size = BestKeys.offer(heap, size, topN, Sampler.key(v, i));
        }
        if (finite == 0) throw new IllegalArgumentException("no finite logit to take log-probabilities of");
        double sum = 0;
        for (int i = from; i < from + vocab; i++) {
            float v = logits[i];
            if (Sampler.isUsable(v)) sum += Math.exp((double) v - max);
        }
        // logprob = (logit - max) - log(sum): subtracting max first keeps huge logits exact (max + log(sum) would round log(sum) away)
        double logSum = Math.log(sum);
        Arrays.sort(heap, 0, size);
        List<TokenLogprob> top = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int id = Sampler.idOf(heap[i]);
            top.add(entry(id, ((double) logits[from + id] - max) - logSum, text, List.of()));
        }
        return entry(sampled, ((double) logits[from + sampled] - max) - logSum, text, top);
    }

    private static TokenLogprob entry(int id, double logprob, IntFunction<String> text, List<TokenLogprob> top) {
        return new TokenLogprob(text == null ? null : text.apply(id), id, (float) logprob, top);
    }
}
