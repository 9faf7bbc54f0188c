package dev.sparkllm.engine.sampling;

/** Why a request's generation ended, with the lowercase names the OpenAI-style API reports. */
public enum FinishReason {
    /** An end-of-sequence token or a stop string. */
    STOP("stop"),
    /** max_tokens reached, or the context window is full. */
    LENGTH("length"),
    /** The request failed (bad input, template error, engine failure). */
    ERROR("error"),
    /** The caller cancelled the request. */
    CANCELLED("cancelled");

    private final String apiName;

    FinishReason(String apiName) {
        this.apiName = apiName;
    }

    /** The name used in API responses and result tables: "stop", "length", "error", "cancelled". */
    public String apiName() {
        return apiName;
    }

    /** The reason with this API name; throws IllegalArgumentException for an unknown one. */
    public static FinishReason fromApiName(String name) {
        for (FinishReason r : values()) {
            if (r.apiName.equals(name)) return r;
        }
        throw new IllegalArgumentException("unknown finish reason '" + name + "'");
    }

    @Override
    public String toString() {
        return apiName;
    }
}
