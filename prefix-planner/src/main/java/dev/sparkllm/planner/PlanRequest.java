package dev.sparkllm.planner;

import java.util.Objects;

/**
 * One prompt as the planner sees it. The token array is referenced, never copied: the prefix
 * forest points into it, so callers must not change it while a plan is being built.
 *
 * @param id unique, stable request id (the row id of a Spark job)
 * @param tokens prompt token ids
 * @param maxTokens the request's generation limit
 * @param expectedOutputTokens a caller's estimate of the output length, or -1 when unknown
 * @param user who submitted it (for fairness and per-user calibration); never null
 */
public record PlanRequest(String id, int[] tokens, int maxTokens, int expectedOutputTokens, String user) {
  public PlanRequest {
    Objects.requireNonNull(id, "request id");
    Objects.requireNonNull(tokens, "tokens of request " + id);
    Objects.requireNonNull(user, "user of request " + id);
    if (maxTokens < 0) {
      throw new IllegalArgumentException("request " + id + ": max_tokens must be >= 0, got " + maxTokens);
    }
    if (expectedOutputTokens < -1) {
      throw new IllegalArgumentException(
          "request " + id + ": expected output tokens must be >= 0 or -1 (unknown), got " + expectedOutputTokens);
    }
  }

  public static PlanRequest of(String id, int[] tokens, int maxTokens) {
    return new PlanRequest(id, tokens, maxTokens, -1, "default");
  }

  public int promptTokens() {
    return tokens.length;
  }
}
