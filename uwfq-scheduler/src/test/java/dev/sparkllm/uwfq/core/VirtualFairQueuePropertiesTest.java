package dev.sparkllm.uwfq.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class VirtualFairQueuePropertiesTest {

  @Provide
  Arbitrary<List<ProcessorSharingReference.Arrival>> arrivals() {
    Arbitrary<ProcessorSharingReference.Arrival> one =
        Combinators.combine(
                Arbitraries.doubles().between(0, 50).ofScale(3),
                Arbitraries.doubles().between(0.01, 40).ofScale(3))
            .as(ProcessorSharingReference.Arrival::new);
    return one.list().ofMinSize(1).ofMaxSize(12);
  }

  /**
   * One user: its jobs leave the virtual system exactly when processor sharing of those jobs over
   * the whole capacity would finish them (gaps included), and their deadlines follow that order.
   */
  @Property(tries = 300)
  void oneUserIsProcessorSharing(
      @ForAll("arrivals") List<ProcessorSharingReference.Arrival> arrivals,
      @ForAll @DoubleRange(min = 0.5, max = 64) double capacity,
      @ForAll @DoubleRange(min = 0.1, max = 8) double weight) {
    List<ProcessorSharingReference.Arrival> sorted = new ArrayList<>(arrivals);
    sorted.sort((a, b) -> Double.compare(a.time(), b.time()));
    double[] expected = ProcessorSharingReference.finishTimes(sorted, capacity);

    VirtualFairQueue q = new VirtualFairQueue(capacity);
    q.setWeight("u", weight, 0); // a lone user gets everything whatever its weight
    for (int i = 0; i < sorted.size(); i++) {
      q.submit("j" + i, "u", sorted.get(i).work(), sorted.get(i).time());
    }
    q.advanceTo(1e6);
    for (int i = 0; i < sorted.size(); i++) {
      assertEquals(expected[i], q.virtualFinishTime("j" + i), 1e-6 * Math.max(1, expected[i]),
          "job " + i);
    }
    for (int a = 0; a < sorted.size(); a++) {
      for (int b = 0; b < sorted.size(); b++) {
        if (expected[a] < expected[b] - 1e-6) {
          assertTrue(q.deadline("j" + a).getAsDouble() <= q.deadline("j" + b).getAsDouble() + 1e-9,
              "deadline order must follow processor-sharing finish order");
        }
      }
    }
  }

  /** Two users that stay busy receive virtual service in the ratio of their weights. */
  @Property(tries = 300)
  void busyUsersAreServedInWeightRatio(
      @ForAll @DoubleRange(min = 0.1, max = 10) double w1,
      @ForAll @DoubleRange(min = 0.1, max = 10) double w2,
      @ForAll @DoubleRange(min = 1, max = 64) double capacity,
      @ForAll @IntRange(min = 1, max = 6) int jobsEach,
      @ForAll @DoubleRange(min = 0.1, max = 100) double horizon) {
    VirtualFairQueue q = new VirtualFairQueue(capacity);
    q.setWeight("a", w1, 0);
    q.setWeight("b", w2, 0);
    // Enough work that neither user can run dry before the horizon.
    double each = capacity * horizon * 2;
    for (int i = 0; i < jobsEach; i++) {
      q.submit("a" + i, "a", each, 0);
      q.submit("b" + i, "b", each, 0);
    }
    q.advanceTo(horizon);
    double sa = q.servedWork("a");
    double sb = q.servedWork("b");
    assertEquals(capacity * horizon, sa + sb, 1e-6 * capacity * horizon, "work conserving");
    assertEquals(w1 / w2, sa / sb, 1e-6 * (w1 / w2));
  }

  /**
   * Weights reach the real order: with two users submitting equal jobs, the earliest-deadline-first
   * order hands out jobs in the ratio of the weights (to within one job).
   */
  @Property(tries = 200)
  void deadlineOrderFollowsWeights(
      @ForAll @IntRange(min = 1, max = 4) int w1,
      @ForAll @IntRange(min = 1, max = 4) int w2,
      @ForAll @IntRange(min = 4, max = 40) int prefix) {
    VirtualFairQueue q = new VirtualFairQueue(8);
    q.setWeight("a", w1, 0);
    q.setWeight("b", w2, 0);
    for (int i = 0; i < 60; i++) {
      q.submit(String.format("a%03d", i), "a", 1.0, 0);
      q.submit(String.format("b%03d", i), "b", 1.0, 0);
    }
    List<String> order = q.jobsInOrder();
    long fromA = order.subList(0, prefix).stream().filter(s -> s.startsWith("a")).count();
    double expectedA = prefix * (double) w1 / (w1 + w2);
    assertTrue(Math.abs(fromA - expectedA) <= 1.0 + 1e-9,
        "a got " + fromA + " of the first " + prefix + ", expected about " + expectedA);
  }

  /**
   * An idle user earns no credit: after being away longer than the grace period it comes back
   * exactly like a user never seen before, and then gets its fair share, not more.
   */
  @Property(tries = 200)
  void idleUserEarnsNoCredit(
      @ForAll @DoubleRange(min = 0.5, max = 10) double firstJob,
      @ForAll @DoubleRange(min = 0.5, max = 10) double nextJob,
      @ForAll @DoubleRange(min = 0.01, max = 500) double idleBeyondGrace,
      @ForAll @DoubleRange(min = 1, max = 32) double capacity) {
    double grace = 2.0;
    VirtualFairQueue q = new VirtualFairQueue(capacity, UwfqConfig.defaults().withGraceTime(grace));
    q.submit("heavy", "heavy", 1e12, 0);
    q.submit("b0", "b", firstJob, 0);
    // b holds half the capacity while heavy is busy, so it leaves at 2 * firstJob / capacity.
    q.advanceTo(2 * firstJob / capacity * (1 + 1e-9));
    double left = q.virtualFinishTime("b0");
    assertEquals(2 * firstJob / capacity, left, 1e-6 * left);
    assertFalse(q.isUserActive("b"));

    double back = left + grace + idleBeyondGrace;
    double dB = q.submit("b1", "b", nextJob, back);
    double dFresh = q.submit("fresh", "fresh", nextJob, back);
    assertEquals(dFresh, dB, 1e-9 * Math.max(1, dB), "returning idle user must equal a new user");
    assertEquals(q.virtualTime() + nextJob, dB, 1e-9 * Math.max(1, dB));

    // Over the next stretch b receives a third of the capacity (heavy, b, fresh all busy).
    double before = q.servedWork("b");
    double stretch = Math.min(nextJob, firstJob) / capacity; // short enough that b stays busy
    q.advanceTo(back + stretch);
    assertEquals(capacity * stretch / 3, q.servedWork("b") - before, 1e-6 * capacity);
  }

  /** Coming back within the grace period keeps the user's old start tag (no penalty for a gap). */
  @Property(tries = 200)
  void reentryWithinGraceKeepsStartTime(
      @ForAll @DoubleRange(min = 0.5, max = 10) double firstJob,
      @ForAll @DoubleRange(min = 0.5, max = 10) double nextJob,
      @ForAll @DoubleRange(min = 0.05, max = 0.95) double fractionOfGrace,
      @ForAll @DoubleRange(min = 1, max = 32) double capacity) {
    double grace = 3.0;
    VirtualFairQueue q = new VirtualFairQueue(capacity, UwfqConfig.defaults().withGraceTime(grace));
    q.submit("heavy", "heavy", 1e12, 0);
    q.submit("b0", "b", firstJob, 0);
    // b holds half the capacity while heavy is busy, so it leaves at 2 * firstJob / capacity.
    q.advanceTo(2 * firstJob / capacity * (1 + 1e-9));
    double left = q.virtualFinishTime("b0");
    assertEquals(2 * firstJob / capacity, left, 1e-6 * left);
    double startWhenLeft = q.userStartTag("b");

    double d = q.submit("b1", "b", nextJob, left + grace * fractionOfGrace);
    assertEquals(startWhenLeft, q.userStartTag("b"), 1e-9 * Math.max(1, startWhenLeft));
    assertEquals(startWhenLeft + nextJob, d, 1e-9 * Math.max(1, d));
    assertTrue(d < q.virtualTime() + nextJob, "kept start must be earlier than a fresh start");
  }
}
