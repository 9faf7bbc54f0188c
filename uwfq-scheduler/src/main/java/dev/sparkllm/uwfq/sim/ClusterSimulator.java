package dev.sparkllm.uwfq.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Discrete-event simulation of one Spark application: C cores, tasks never preempted, and a
 * policy that chooses whose next task runs whenever a core frees, which is what Spark's
 * {@code resourceOffers} does with the root pool's order.
 */
public final class ClusterSimulator {
  private ClusterSimulator() {}

  private static final class State implements RunnableJob {
    final SimJob job;
    final long seq;
    final double arrivalTime;
    final Map<String, int[]> runningByUser;
    int stage;
    int nextTask;
    int running;
    int doneInStage;

    State(SimJob job, long seq, double arrivalTime, Map<String, int[]> runningByUser) {
      this.job = job;
      this.seq = seq;
      this.arrivalTime = arrivalTime;
      this.runningByUser = runningByUser;
    }

    @Override public SimJob job() { return job; }
    @Override public long seq() { return seq; }
    @Override public double arrivalTime() { return arrivalTime; }
    @Override public int runningTasks() { return running; }
    @Override public int runningTasksOfUser() { return runningByUser.get(job.user())[0]; }
    @Override public int pendingTasksInStage() { return job.stages().get(stage).length - nextTask; }
  }

  private record Event(double time, long order, State finishedTaskOf, SimJob arrival) {}

  public static List<JobOutcome> run(Workload w, SchedulingPolicy policy) {
    PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.time != b.time
        ? Double.compare(a.time, b.time) : Long.compare(a.order, b.order));
    long[] order = {0};
    Map<String, List<SimJob>> successors = new HashMap<>();
    for (SimJob j : w.jobs()) {
      if (j.predecessor() == null) {
        events.add(new Event(j.arrival(), order[0]++, null, j));
      } else {
        successors.computeIfAbsent(j.predecessor(), k -> new ArrayList<>()).add(j);
      }
    }
    Map<String, int[]> runningByUser = new HashMap<>();
    List<State> active = new ArrayList<>();
    List<JobOutcome> outcomes = new ArrayList<>();
    int free = w.cores();
    long seq = 0;
    while (!events.isEmpty()) {
      double now = events.peek().time;
      // Take every event of this instant before deciding, as Spark does within one offer round.
      while (!events.isEmpty() && events.peek().time == now) {
        Event e = events.poll();
        if (e.arrival != null) {
          runningByUser.putIfAbsent(e.arrival.user(), new int[1]);
          State s = new State(e.arrival, seq++, now, runningByUser);
          active.add(s);
          policy.jobArrived(s, now);
        } else {
          State s = e.finishedTaskOf;
          free++;
          s.running--;
          runningByUser.get(s.job.user())[0]--;
          s.doneInStage++;
          if (s.doneInStage == s.job.stages().get(s.stage).length) {
            s.stage++;
            s.nextTask = 0;
            s.doneInStage = 0;
            if (s.stage == s.job.stages().size()) {
              active.remove(s);
              policy.jobFinished(s, now);
              outcomes.add(new JobOutcome(s.job.id(), s.job.user(), s.arrivalTime, now,
                  s.job.work()));
              for (SimJob next : successors.getOrDefault(s.job.id(), List.of())) {
                events.add(new Event(now + next.arrival(), order[0]++, null, next));
              }
            }
          }
        }
      }
      List<RunnableJob> candidates = new ArrayList<>();
      while (free > 0) {
        candidates.clear();
        for (State s : active) if (s.pendingTasksInStage() > 0) candidates.add(s);
        if (candidates.isEmpty()) break;
        State s = (State) policy.pick(candidates, now);
        double duration = s.job.stages().get(s.stage)[s.nextTask++];
        s.running++;
        runningByUser.get(s.job.user())[0]++;
        free--;
        events.add(new Event(now + duration, order[0]++, s, null));
      }
    }
    if (outcomes.size() != w.jobs().size()) {
      throw new IllegalStateException("not every job finished: " + outcomes.size() + "/" + w.jobs().size());
    }
    return outcomes;
  }
}
