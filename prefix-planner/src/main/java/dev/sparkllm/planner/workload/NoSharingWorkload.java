package dev.sparkllm.planner.workload;

/** Fully distinct prompts: nothing to share, so the planner must cost nothing and find nothing. */
public final class NoSharingWorkload implements TokenWorkload {
  private final int size;
  private final int promptTokens;
  private final int outputTokens;
  private final long seed;

  public NoSharingWorkload(int size, int promptTokens, int outputTokens, long seed) {
    this.size = size;
    this.promptTokens = promptTokens;
    this.outputTokens = outputTokens;
    this.seed = seed;
  }

  @Override
  public String name() {
    return "nosharing";
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int fill(int index, int[] buffer) {
    return Segments.write(buffer, 0, 7, index, promptTokens, seed);
  }

  @Override
  public int maxPromptTokens() {
    return promptTokens;
  }

  @Override
  public int maxTokens(int index) {
    return outputTokens;
  }

  @Override
  public long totalPromptTokens() {
    return (long) size * promptTokens;
  }

  @Override
  public long optimalSaving() {
    return 0;
  }
}
