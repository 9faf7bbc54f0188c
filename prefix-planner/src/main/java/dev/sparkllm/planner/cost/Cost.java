package dev.sparkllm.planner.cost;

/**
 * The work of a request, a group or a partition.
 *
 * @param prefillTokens prompt tokens to compute (a shared prefix counted once)
 * @param decodeTokens estimated generated tokens
 * @param peakKvBytes KV memory when all of it is resident at once
 * @param seconds estimated engine time at the cost model's throughput
 */
public record Cost(long prefillTokens, long decodeTokens, long peakKvBytes, double seconds) implements java.io.Serializable {
  public static final Cost ZERO = new Cost(0, 0, 0, 0);

  public Cost plus(Cost other) {
    return new Cost(prefillTokens + other.prefillTokens, decodeTokens + other.decodeTokens,
        peakKvBytes + other.peakKvBytes, seconds + other.seconds);
  }
}
