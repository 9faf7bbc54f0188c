package dev.sparkllm.uwfq.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * User Weighted Fair Queuing: a simulated fair system that says in which order real work should
 * run. Capacity C is shared among the users present in the virtual system in proportion to their
 * weights (generalised processor sharing over users); each user's share is split equally among its
 * own jobs (processor sharing). A job's priority is its <em>global virtual deadline</em>: the
 * global virtual time at which it would finish if the user's jobs ran one after another, in the
 * order per-user processor sharing would finish them, inside the user's share. The real scheduler
 * runs the earliest deadline first.
 *
 * <p>Units are the caller's: work in "work units" (core-seconds, tokens...), time in any unit,
 * capacity in work units per time unit. Not thread-safe: the caller serialises access (Spark calls
 * it under the task scheduler's lock; the simulator is single-threaded).
 *
 * <p>Global virtual time V advances at C / (sum of active weights); a user with weight w receives
 * w work units per unit of V. Time only advances when the caller says so ({@link #advanceTo}), and
 * the integration is exact: it stops at every instant where a job or a user leaves the virtual
 * system, because the rate changes there.
 */
public final class VirtualFairQueue {
  /** Slack for float comparisons of virtual times; work units are at least milli-sized. */
  private static final double EPS = 1e-9;

  private final UwfqConfig config;
  private final Map<String, UserLane> lanes = new HashMap<>();
  private final Map<String, VirtualJob> jobs = new HashMap<>();
  private final Map<String, Double> configuredWeights = new HashMap<>();
  private double capacity;
  private double virtualTime;
  private double now;
  private long nextSeq;
  private double activeWeight;

  public VirtualFairQueue(double capacity, UwfqConfig config) {
    if (!(capacity >= 0)) throw new IllegalArgumentException("capacity must be >= 0");
    this.capacity = capacity;
    this.config = config;
  }

  public VirtualFairQueue(double capacity) {
    this(capacity, UwfqConfig.defaults());
  }

  /** Adds a job of {@code work} units for {@code user}, arriving at {@code time}; returns its deadline. */
  public double submit(String jobId, String user, double work, double time) {
    if (jobs.containsKey(jobId)) throw new IllegalArgumentException("job already known: " + jobId);
    if (!(work > 0) || Double.isInfinite(work)) {
      throw new IllegalArgumentException("work must be positive and finite: " + work);
    }
    advanceTo(time);
    UserLane lane = lanes.computeIfAbsent(user, u -> new UserLane(u, weightOf(u)));
    if (!lane.active) reenter(lane);
    VirtualJob job = new VirtualJob(jobId, user, work, nextSeq++, lane.perJobVirtualTime);
    jobs.put(jobId, job);
    lane.activeJobs.add(job);
    lane.rechainDeadlines();
    return job.globalDeadline;
  }

  /**
   * A user coming (back) into the virtual system starts at the current V: time spent idle earns
   * nothing. Only within the grace period does it keep its old start tag, which is at most a grace
   * period's worth of V behind.
   */
  private void reenter(UserLane lane) {
    boolean withinGrace =
        !Double.isNaN(lane.leftAtTime) && now - lane.leftAtTime <= config.graceTime();
    if (!withinGrace) lane.startTag = virtualTime;
    lane.weight = weightOf(lane.user);
    lane.active = true;
    lane.leftAtTime = Double.NaN;
    activeWeight += lane.weight;
  }

  /**
   * The job really finished; its record is dropped once it has also left the virtual system.
   * Real progress does not change the virtual system (that is what makes the deadlines fair), so
   * a job that finished early still holds its place in its user's chain until its virtual end.
   */
  public void finish(String jobId, double time) {
    advanceTo(time);
    VirtualJob job = jobs.get(jobId);
    if (job == null) return;
    job.realFinished = true;
    if (job.departed) jobs.remove(jobId);
  }

  /**
   * The job really finished and really cost {@code actualWork}. If that is less than its
   * estimate, the job shrinks to its true size first (see {@link #revise}), so that an
   * over-estimated job does not push the same user's later jobs back. An under-estimate is not
   * charged afterwards: the deadlines it produced were already acted on.
   */
  public void finish(String jobId, double time, double actualWork) {
    VirtualJob job = jobs.get(jobId);
    if (job != null && !job.departed && actualWork > 0 && actualWork < job.work) {
      revise(jobId, actualWork, time);
    }
    finish(jobId, time);
  }

  /**
   * Replaces a job's size estimate while it runs (progress showed it is bigger or smaller). A job
   * still in the virtual system gets the new size, but never less than it has received (if that is
   * already enough, it leaves now). A job that already left and turns out bigger comes back with
   * the extra work as if that had just arrived, since its old deadline is in the past and would
   * otherwise let it run ahead of everybody until it ends.
   */
  public void revise(String jobId, double newWork, double time) {
    if (!(newWork > 0) || Double.isInfinite(newWork)) return;
    advanceTo(time);
    VirtualJob job = jobs.get(jobId);
    if (job == null) return;
    UserLane lane = lanes.get(job.user);
    if (!job.departed) {
      double received = Math.max(0, lane.perJobVirtualTime - job.userStartTag);
      lane.activeJobs.remove(job);
      job.work = Math.max(job.charged, Math.max(newWork, Math.min(received, job.work)));
      job.userDeadline = job.userStartTag + job.work;
      lane.activeJobs.add(job);
      lane.rechainDeadlines();
      if (job.work <= received) depart(lane, job, job.work);
    } else if (newWork > job.work && !job.realFinished) {
      if (!lane.active) reenter(lane);
      // Received so far counts as exactly the old size: only the extra is left to serve.
      job.userStartTag = lane.perJobVirtualTime - job.work;
      job.work = newWork;
      job.userDeadline = job.userStartTag + job.work;
      job.departed = false;
      job.departureTime = Double.NaN;
      lane.activeJobs.add(job);
      lane.rechainDeadlines();
    }
  }

  /** Sets a user's weight (its share relative to others); applies from {@code time} on. */
  public void setWeight(String user, double weight, double time) {
    if (!(weight > 0)) throw new IllegalArgumentException("weight must be > 0");
    advanceTo(time);
    configuredWeights.put(user, weight);
    UserLane lane = lanes.get(user);
    if (lane != null && lane.active) {
      activeWeight += weight - lane.weight;
      lane.weight = weight;
      lane.rechainDeadlines();
    } else if (lane != null) {
      lane.weight = weight;
    }
  }

  /** Changes C (cores joined or left, or a new tokens/s estimate); applies from {@code time} on. */
  public void setCapacity(double capacity, double time) {
    if (!(capacity >= 0)) throw new IllegalArgumentException("capacity must be >= 0");
    advanceTo(time);
    this.capacity = capacity;
  }

  /**
   * Moves the virtual system to real time {@code time}. Time never goes back: an earlier time (two
   * threads reading clocks) is treated as now.
   */
  public void advanceTo(double time) {
    while (time > now) {
      if (activeWeight <= 0 || capacity <= 0) {
        now = time;
        return;
      }
      double rate = capacity / activeWeight; // dV per unit of real time
      double target = virtualTime + (time - now) * rate;
      UserLane next = null;
      double nextEvent = Double.POSITIVE_INFINITY;
      for (UserLane lane : lanes.values()) {
        if (!lane.active) continue;
        double at = nextDepartureV(lane);
        if (at < nextEvent) {
          nextEvent = at;
          next = lane;
        }
      }
      if (nextEvent > target + EPS) {
        serve(target - virtualTime);
        now = time;
        return;
      }
      double dv = Math.max(0, nextEvent - virtualTime);
      serve(dv);
      now = Math.min(time, now + dv / rate);
      departDue(next);
    }
  }

  /** Global V at which the lane's first job would leave per-user processor sharing. */
  private double nextDepartureV(UserLane lane) {
    VirtualJob first = lane.activeJobs.first();
    double perJobLeft = Math.max(0, first.userDeadline - lane.perJobVirtualTime);
    // Each of the user's n jobs gets w/n work units per unit of V.
    return virtualTime + perJobLeft * lane.activeJobs.size() / lane.weight;
  }

  private void serve(double dv) {
    if (dv <= 0) return;
    virtualTime += dv;
    for (UserLane lane : lanes.values()) {
      if (!lane.active) continue;
      lane.servedWork += lane.weight * dv;
      lane.perJobVirtualTime += lane.weight * dv / lane.activeJobs.size();
    }
  }

  /**
   * The lane's first job is due (that is the event we integrated to); rounding must not keep it in,
   * so it leaves unconditionally, together with any job due at the same instant.
   */
  private void departDue(UserLane lane) {
    boolean force = true;
    while (lane.active && !lane.activeJobs.isEmpty()) {
      VirtualJob first = lane.activeJobs.first();
      double left = first.userDeadline - lane.perJobVirtualTime;
      if (!force && left > EPS * Math.max(1, Math.abs(first.userDeadline))) return;
      force = false;
      lane.perJobVirtualTime = Math.max(lane.perJobVirtualTime, first.userDeadline);
      depart(lane, first, first.work);
    }
  }

  /**
   * The job leaves the virtual system: the user's chain now starts after it, so later jobs keep
   * their deadlines; the job keeps its last deadline as its priority until it really ends.
   */
  private void depart(UserLane lane, VirtualJob job, double chargedWork) {
    lane.activeJobs.remove(job);
    job.departed = true;
    job.departureTime = now;
    lane.startTag += Math.max(0, chargedWork - job.charged) / lane.weight;
    job.charged = Math.max(job.charged, chargedWork);
    lane.rechainDeadlines();
    if (job.realFinished) jobs.remove(job.id);
    if (lane.activeJobs.isEmpty()) {
      lane.active = false;
      lane.leftAtTime = now;
      activeWeight -= lane.weight;
      if (activeWeight < EPS) activeWeight = 0;
    }
  }

  private double weightOf(String user) {
    return configuredWeights.getOrDefault(user, config.defaultWeight());
  }

  // ---- what callers read ----

  /** The job's global virtual deadline: smaller runs first. Empty for unknown or forgotten jobs. */
  public OptionalDouble deadline(String jobId) {
    VirtualJob j = jobs.get(jobId);
    return j == null ? OptionalDouble.empty() : OptionalDouble.of(j.globalDeadline);
  }

  /** Earliest global virtual deadline first; ties by submission order. Unknown jobs go last. */
  public Comparator<String> order() {
    return (a, b) -> {
      VirtualJob ja = jobs.get(a);
      VirtualJob jb = jobs.get(b);
      if (ja == null || jb == null) return ja == null ? (jb == null ? a.compareTo(b) : 1) : -1;
      int c = Double.compare(ja.globalDeadline, jb.globalDeadline);
      return c != 0 ? c : Long.compare(ja.seq, jb.seq);
    };
  }

  /** Known jobs sorted by {@link #order()}. */
  public List<String> jobsInOrder() {
    List<String> ids = new ArrayList<>(jobs.keySet());
    ids.sort(order());
    return ids;
  }

  public double virtualTime() {
    return virtualTime;
  }

  public double time() {
    return now;
  }

  public double capacity() {
    return capacity;
  }

  /** Work units the virtual system has given {@code user} so far. */
  public double servedWork(String user) {
    UserLane lane = lanes.get(user);
    return lane == null ? 0 : lane.servedWork;
  }

  /** The user's chain start S_u (global virtual time); NaN for an unknown user. */
  public double userStartTag(String user) {
    UserLane lane = lanes.get(user);
    return lane == null ? Double.NaN : lane.startTag;
  }

  public boolean isUserActive(String user) {
    UserLane lane = lanes.get(user);
    return lane != null && lane.active;
  }

  /** Whether the job is still being served in the virtual system. */
  public boolean isVirtuallyActive(String jobId) {
    VirtualJob j = jobs.get(jobId);
    return j != null && !j.departed;
  }

  /** Real time at which the job left the virtual system; NaN while it is still in it. */
  public double virtualFinishTime(String jobId) {
    VirtualJob j = jobs.get(jobId);
    return j == null ? Double.NaN : j.departureTime;
  }

  public int knownJobs() {
    return jobs.size();
  }

  public List<String> activeUsers() {
    List<String> users = new ArrayList<>();
    for (UserLane l : lanes.values()) if (l.active) users.add(l.user);
    Collections.sort(users);
    return users;
  }
}
