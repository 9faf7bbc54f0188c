package dev.sparkllm.uwfq.core;

/**
 * Tunables of the virtual fair queue.
 *
 * @param graceTime how long (in the caller's time unit) a user who dropped out of the virtual system
 *     may stay away and still keep its old start tag. It exists so that a multi-stage job, or a
 *     notebook that submits its next job a moment after the previous one, is not sent to the back
 *     of the line by a short driver-side gap; it is short so that idle users cannot bank credit.
 * @param defaultWeight weight of a user nobody configured
 */
public record UwfqConfig(double graceTime, double defaultWeight) {
  public UwfqConfig {
    if (!(graceTime >= 0)) throw new IllegalArgumentException("graceTime must be >= 0");
    if (!(defaultWeight > 0)) throw new IllegalArgumentException("defaultWeight must be > 0");
  }

  /** Grace of 3 s like the authors' Spark code (at 2 cores), unit weights. */
  public static UwfqConfig defaults() {
    return new UwfqConfig(3.0, 1.0);
  }

  public UwfqConfig withGraceTime(double g) {
    return new UwfqConfig(g, defaultWeight);
  }
}
