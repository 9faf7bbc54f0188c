package dev.sparkllm.planner.workload;

/**
 * BatchLLM's microbenchmark shape: groups of {@code degree} prompts share a context of
 * {@code sharedTokens}, then each has {@code distinctTokens} of its own; output
 * {@code outputTokens}. Requests arrive shuffled.
 */
public final class BatchLlmWorkload implements TokenWorkload {
  private final int size;
  private final int sharedTokens;
  private final int distinctTokens;
  private final int outputTokens;
  private final int degree;
  private final long seed;
  private final int[] arrival;

  public BatchLlmWorkload(int size, int sharedTokens, int distinctTokens, int outputTokens, int degree, long seed) {
    this.size = size;
    this.sharedTokens = sharedTokens;
    this.distinctTokens = distinctTokens;
    this.outputTokens = outputTokens;
    this.degree = degree;
    this.seed = seed;
    this.arrival = Segments.permutation(size, seed);
  }

  @Override
  public String name() {
    return "batchllm";
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int fill(int index, int[] buffer) {
    int logical = arrival[index];
    int end = Segments.write(buffer, 0, 1, logical / degree, sharedTokens, seed);
    return Segments.write(buffer, end, 2, logical, distinctTokens, seed);
  }

  @Override
  public int maxPromptTokens() {
    return sharedTokens + distinctTokens;
  }

  @Override
  public int maxTokens(int index) {
    return outputTokens;
  }

  @Override
  public long totalPromptTokens() {
    return (long) size * (sharedTokens + distinctTokens);
  }

  @Override
  public long optimalSaving() {
    long fullGroups = size / degree;
    int rest = size % degree;
    return fullGroups * (degree - 1) * (long) sharedTokens + (rest > 0 ? (rest - 1) * (long) sharedTokens : 0);
  }
}
