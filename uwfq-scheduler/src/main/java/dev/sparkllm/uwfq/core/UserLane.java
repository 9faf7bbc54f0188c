package dev.sparkllm.uwfq.core;

import java.util.Comparator;
import java.util.TreeSet;

/**
 * A user's place in the virtual system: its share of global virtual time and the processor-sharing
 * queue of its own jobs.
 */
final class UserLane {
  /** Jobs leave the user's processor sharing in this order, so this is also their chain order. */
  static final Comparator<VirtualJob> BY_USER_DEADLINE =
      Comparator.<VirtualJob>comparingDouble(j -> j.userDeadline).thenComparingLong(j -> j.seq);

  final String user;
  double weight;
  /** S_u: global virtual time at which the user's first still-active job starts in the chain. */
  double startTag;
  /** v_u: service each of the user's active jobs has received (per-user processor sharing). */
  double perJobVirtualTime;
  /** Work the virtual system has given this user so far, over its whole life. */
  double servedWork;
  final TreeSet<VirtualJob> activeJobs = new TreeSet<>(BY_USER_DEADLINE);
  /** Real time at which the user last dropped out of the virtual system; NaN while active/new. */
  double leftAtTime = Double.NaN;
  boolean active;

  UserLane(String user, double weight) {
    this.user = user;
    this.weight = weight;
  }

  /**
   * Chains the active jobs one after another inside the user's share: the k-th job to finish in the
   * user's processor sharing gets S_u + (R_1 + ... + R_k) / w_u. A user with weight w moves through
   * global virtual time w times slower per unit of work, which is what gives it a w-fold share.
   */
  void rechainDeadlines() {
    double f = startTag;
    for (VirtualJob j : activeJobs) {
      f += (j.work - j.charged) / weight;
      j.globalDeadline = f;
    }
  }

  /** Global virtual time at which this user's last active job would finish. */
  double virtualEnd() {
    return activeJobs.isEmpty() ? startTag : activeJobs.last().globalDeadline;
  }
}
