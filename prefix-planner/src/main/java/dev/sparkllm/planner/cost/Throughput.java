package dev.sparkllm.planner.cost;

/**
 * How fast an engine works, in tokens per second, separately for prefill (prompt tokens, which
 * batch into matrix products) and decode (one token per sequence per step).
 */
public record Throughput(double prefillTokensPerSecond, double decodeTokensPerSecond) implements java.io.Serializable {
  public Throughput {
    if (!(prefillTokensPerSecond > 0) || !(decodeTokensPerSecond > 0)
        || Double.isInfinite(prefillTokensPerSecond) || Double.isInfinite(decodeTokensPerSecond)) {
      throw new IllegalArgumentException("throughputs must be positive and finite: prefill "
          + prefillTokensPerSecond + ", decode " + decodeTokensPerSecond);
    }
  }

  public double seconds(long prefillTokens, long decodeTokens) {
    return prefillTokens / prefillTokensPerSecond + decodeTokens / decodeTokensPerSecond;
  }
}
