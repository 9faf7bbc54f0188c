package dev.sparkllm.engine.sampling;

import java.util.List;

/**
 * How one request's next tokens are chosen and when its generation stops.
 * temperature 0 means greedy. topK 0 means off, topP 1 means off, minP 0 means off.
 * A null seed means "derive one from the request id" so a rerun is still reproducible.
 */
public record SamplingParams(
        int maxTokens,
        float temperature,
        int topK,
        float topP,
        float minP,
        Long seed,
        List<String> stop,
        boolean ignoreEos) {

    public static final SamplingParams GREEDY = new SamplingParams(128, 0f, 0, 1f, 0f, null, List.of(), false);

    public SamplingParams {
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /** Null when the parameters are valid, otherwise a message naming the bad one. */
    public String validationError() {
        if (maxTokens < 0) return "max_tokens must be >= 0, got " + maxTokens;
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) return "temperature must be a finite number >= 0, got " + temperature;
        if (topK < 0) return "top_k must be >= 0, got " + topK;
        if (!(topP > 0f && topP <= 1f)) return "top_p must be in (0, 1], got " + topP;
        if (!(minP >= 0f && minP <= 1f)) return "min_p must be in [0, 1], got " + minP;
        for (String s : stop) {
            if (s == null || s.isEmpty()) return "stop strings must be non-empty";
        }
        return null;
    }

    public SamplingParams withMaxTokens(int n) {
        return new SamplingParams(n, temperature, topK, topP, minP, seed, stop, ignoreEos);
    }
}
