package dev.sparkllm.uwfq.sim;

/** One finished job of a simulation run. */
public record JobOutcome(String id, String user, double arrival, double finish, double work) {
  public double responseTime() {
    return finish - arrival;
  }
}
