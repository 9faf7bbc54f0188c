package dev.sparkllm.engine.sampling;

import java.util.List;

/**
 * How one request's next tokens are chosen and when its generation stops.
 * temperature 0 means greedy. topK 0 means off, topP 1 means off, minP 0 means off.
 * A null seed means "derive one from the request id" so a rerun is still reproducible.
 * {@code logprobs}: -1 off, 0 the sampled token's log-probability only, 1..{@value #MAX_LOGPROBS}
 * also that many most likely alternatives (see {@link TokenLogprobs}).
 */
public record SamplingParams(
        int maxTokens,
        float temperature,
        int topK,
        float topP,
        float minP,
        Long seed,
        List<String> stop,
        boolean ignoreEos,
        int logprobs) {

    /** The most alternatives a token may list, as OpenAI's API and vLLM's default allow. */
    public static final int MAX_LOGPROBS = 20;
    public static final int LOGPROBS_OFF = -1;

    public static final SamplingParams GREEDY = new SamplingParams(128, 0f, 0, 1f, 0f, null, List.of(), false);

    public SamplingParams {
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /** Parameters without log-probabilities. */
    public SamplingParams(int maxTokens, float temperature, int topK, float topP, float minP, Long seed,
                          List<String> stop, boolean ignoreEos) {
        this(maxTokens, temperature, topK, topP, minP, seed, stop, ignoreEos, LOGPROBS_OFF);
    }

    /** Whether each generated token records its log-probability. */
    public boolean wantsLogprobs() {
        return logprobs >= 0;
    }

    /** Null when the parameters are valid, otherwise a message naming the bad one. */
    public String validationError() {
        if (maxTokens < 0) return "max_tokens must be >= 0, got " + maxTokens;
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) return "temperature must be a finite number >= 0, got " + temperature;
        if (topK < 0) return "top_k must be >= 0, got " + topK;
        if (!(topP > 0f && topP <= 1f)) return "top_p must be in (0, 1], got " + topP;
        if (!(minP >= 0f && minP <= 1f)) return "min_p must be in [0, 1], got " + minP;
        if (logprobs < LOGPROBS_OFF || logprobs > MAX_LOGPROBS) {
            return "logprobs must be -1 or absent (off), 0 (the sampled token only) or 1.." + MAX_LOGPROBS
                    + " (also that many alternatives), got " + logprobs;
        }
        for (String s : stop) {
            if (s == null || s.isEmpty()) return "stop strings must be non-empty";
        }
        return null;
    }

    public SamplingParams withMaxTokens(int n) {
        return new SamplingParams(n, temperature, topK, topP, minP, seed, stop, ignoreEos, logprobs);
    }

    /** The same parameters with {@code topN} log-probabilities (-1 off); {@link #validationError} checks the range. */
    public SamplingParams withLogprobs(int topN) {
        return new SamplingParams(maxTokens, temperature, topK, topP, minP, seed, stop, ignoreEos, topN);
    }
}
