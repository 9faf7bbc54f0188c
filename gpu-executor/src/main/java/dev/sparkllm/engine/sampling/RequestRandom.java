package dev.sparkllm.engine.sampling;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One request's own random stream: xoshiro256** (Blackman &amp; Vigna), seeded through SplitMix64.
 *
 * <p>Each request owns one, so what a request samples depends only on its seed and its logits, never on
 * which other requests share the batch or in what order they are processed. xoshiro256** is small
 * (four longs of state), fast, and passes BigCrush; SplitMix64 expands a 64-bit seed into a
 * well-mixed state (an all-zero state is impossible).
 *
 * <p>Not thread-safe: a request's tokens are sampled one after another.
 */
public final class RequestRandom {

    private long s0;
    private long s1;
    private long s2;
    private long s3;

    public RequestRandom(long seed) {
        long x = seed;
        x += 0x9E3779B97F4A7C15L;
        s0 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s1 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s2 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s3 = mix(x);
    }

    /**
     * The stream for a request: seeded with {@link SamplingParams#seed()} when set, otherwise with a
     * stable hash of the request id, so reruns of the same request reproduce its output.
     */
    public static RequestRandom forRequest(SamplingParams params, String requestId) {
        if (params.seed() != null) return new RequestRandom(params.seed());
        return new RequestRandom(seedOf(Objects.requireNonNull(requestId, "requestId")));
    }

    /** A stable 64-bit seed from a request id: FNV-1a over its UTF-8 bytes, then SplitMix64-mixed. */
    public static long seedOf(String requestId) {
        long h = 0xCBF29CE484222325L;
        for (byte b : requestId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001B3L;
        }
        return mix(h);
    }

    /** SplitMix64's output function (Stafford variant 13). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** Uniform in [0, 1), with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** An independent copy of the current state (e.g. to replay a step). */
    public RequestRandom copy() {
        RequestRandom c = new RequestRandom(0);
        c.s0 = s0;
        c.s1 = s1;
        c.s2 = s2;
        c.s3 = s3;
        return c;
    }
}
