package dev.sparkllm.planner.workload;

/**
 * A generated job whose prompts are computed on demand from their index, so a benchmark can
 * stream a million prompts of thousands of tokens through the planner without ever holding them.
 * Generators know their own prefix tree, so they also know the optimum exactly.
 */
public interface TokenWorkload {
  String name();

  int size();

  /** Writes prompt {@code index} into {@code buffer} and returns its length. */
  int fill(int index, int[] buffer);

  int maxPromptTokens();

  int maxTokens(int index);

  /** Total prompt tokens of all requests. */
  long totalPromptTokens();

  /** Total tokens minus the distinct tokens of the job's prefix tree. */
  long optimalSaving();
}
