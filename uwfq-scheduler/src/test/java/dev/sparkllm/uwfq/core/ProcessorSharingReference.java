package dev.sparkllm.uwfq.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Textbook processor sharing, written independently of the queue under test: all present jobs
 * share the capacity equally. Returns each job's finish time.
 */
final class ProcessorSharingReference {
  record Arrival(double time, double work) {}

  static double[] finishTimes(List<Arrival> arrivals, double capacity) {
    int n = arrivals.size();
    double[] remaining = new double[n];
    double[] finish = new double[n];
    boolean[] present = new boolean[n];
    boolean[] done = new boolean[n];
    for (int i = 0; i < n; i++) remaining[i] = arrivals.get(i).work();
    double t = 0;
    int finished = 0;
    while (finished < n) {
      List<Integer> active = new ArrayList<>();
      double nextArrival = Double.POSITIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        if (done[i]) continue;
        if (arrivals.get(i).time() <= t + 1e-12) {
          present[i] = true;
          active.add(i);
        } else {
          nextArrival = Math.min(nextArrival, arrivals.get(i).time());
        }
      }
      if (active.isEmpty()) {
        t = nextArrival;
        continue;
      }
      double perJobRate = capacity / active.size();
      double minRem = Double.POSITIVE_INFINITY;
      for (int i : active) minRem = Math.min(minRem, remaining[i]);
      double dt = Math.min(minRem / perJobRate, nextArrival - t);
      for (int i : active) remaining[i] -= dt * perJobRate;
      t += dt;
      for (int i : active) {
        if (remaining[i] <= 1e-9 * Math.max(1, arrivals.get(i).work())) {
          done[i] = true;
          finish[i] = t;
          finished++;
        }
      }
    }
    return finish;
  }

  private ProcessorSharingReference() {}
}
