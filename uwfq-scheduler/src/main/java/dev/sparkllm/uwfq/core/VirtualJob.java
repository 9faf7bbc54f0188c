package dev.sparkllm.uwfq.core;

/**
 * One job as the virtual fair queue sees it. Mutable, owned by {@link VirtualFairQueue}; callers
 * only see its id and the numbers the queue exposes.
 */
final class VirtualJob {
  final String id;
  final String user;
  /** Estimated size in work units (core-seconds, tokens, ...); what the virtual system serves. */
  double work;
  /** Submission order; breaks ties so the order is total and stable. */
  final long seq;
  /**
   * The user's per-job virtual time when the job arrived (its start tag in the user's PS); moved
   * when a job that already left comes back with more work.
   */
  double userStartTag;
  /** Where the job leaves the user's processor-sharing system: userStartTag + work. */
  double userDeadline;

  /** Work already added to the user's start tag S_u (non-zero once it left, or came back). */
  double charged;
  double globalDeadline;
  boolean departed;
  boolean realFinished;
  double departureTime = Double.NaN;

  VirtualJob(String id, String user, double work, long seq, double userStartTag) {
    this.id = id;
    this.user = user;
    this.work = work;
    this.seq = seq;
    this.userStartTag = userStartTag;
    this.userDeadline = userStartTag + work;
  }
}
