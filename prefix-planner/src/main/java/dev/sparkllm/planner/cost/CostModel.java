package dev.sparkllm.planner.cost;

/**
 * Turns token counts into {@link Cost}s: KV bytes from the model shape, seconds from a
 * (calibrated) throughput. The UWFQ scheduler sizes jobs with it and runtime partitioning sizes
 * tasks with it.
 */
public record CostModel(ModelShape shape, Throughput throughput) implements java.io.Serializable {
  /** SmolLM2-135M Q4_1 on 2 CPU threads, as measured by ci/bench.sh engine-single (rounded). */
  public static final CostModel SMOLLM2_CPU_2_THREADS =
      new CostModel(ModelShape.SMOLLM2_135M, new Throughput(400, 60));

  /** Cost of work that keeps {@code residentTokens} tokens of KV at its peak. */
  public Cost cost(long prefillTokens, long decodeTokens, long residentTokens) {
    return new Cost(prefillTokens, decodeTokens, residentTokens * shape.kvBytesPerToken(),
        throughput.seconds(prefillTokens, decodeTokens));
  }

  /** One request on its own: every prompt token computed, prompt and output resident. */
  public Cost request(int promptTokens, long decodeTokens) {
    return cost(promptTokens, decodeTokens, promptTokens + decodeTokens);
  }

  public CostModel withThroughput(Throughput calibrated) {
    return new CostModel(shape, calibrated);
  }
}
