package dev.sparkllm.uwfq.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.Pool;
import org.apache.spark.scheduler.Schedulable;
import org.apache.spark.scheduler.SchedulingMode;
import org.apache.spark.scheduler.TaskScheduler;
import org.apache.spark.scheduler.TaskSetManager;
import scala.collection.mutable.ArrayBuffer;

/**
 * The one place that touches Spark's {@code private[spark]} scheduler members (public in bytecode,
 * not a stable API: re-check on every Spark minor release). Checked against Spark 4.0.1:
 * {@code SparkContext.conf()}, {@code SparkContext.taskScheduler()}, {@code TaskScheduler.rootPool()}
 * and {@code schedulingMode()}, {@code Pool} (subclassed), {@code Schedulable},
 * {@code TaskSetManager.taskSet()/priority()/stageId()/numTasks()/isSchedulable()}.
 */
public final class SparkSchedulerBridge {
  static final String SCHEDULER_MODE = "spark.scheduler.mode";
  static final String DEFAULT_POOL = "default";

  private SparkSchedulerBridge() {}

  /**
   * Makes the task scheduler that is about to be created use FAIR mode, where pools exist at
   * all. Only effective from {@code DriverPlugin.init}, which runs before the scheduler reads it.
   * Returns the mode that was configured before.
   */
  static String forceFairMode(SparkContext sc) {
    String before = sc.conf().get(SCHEDULER_MODE, "FIFO");
    if (!before.equalsIgnoreCase("FAIR")) sc.conf().set(SCHEDULER_MODE, "FAIR");
    return before;
  }

  static boolean schedulerReady(SparkContext sc) {
    TaskScheduler ts = sc.taskScheduler();
    return ts != null && ts.rootPool() != null;
  }

  static boolean isFairMode(SparkContext sc) {
    return sc.taskScheduler().schedulingMode() == SchedulingMode.FAIR();
  }

  /** The installed UWFQ pool's tracker, or null. */
  static UwfqJobTracker installedTracker(SparkContext sc) {
    if (!schedulerReady(sc)) return null;
    for (Schedulable s : sc.taskScheduler().rootPool().schedulableQueue()) {
      if (s instanceof UwfqPool p) return p.tracker;
    }
    return null;
  }

  /**
   * Replaces every pool under the root with one UWFQ pool named "default" and moves any task sets
   * already queued into it. Returns the weights of the pools it replaced (an allocation file's
   * pools), keyed by pool name, so they can become user weights. Runs under the task scheduler's
   * lock, the lock Spark holds while it submits, offers and finishes task sets.
   */
  static Map<String, Integer> installPool(SparkContext sc, UwfqJobTracker tracker) {
    TaskScheduler scheduler = sc.taskScheduler();
    synchronized (scheduler) {
      Pool root = scheduler.rootPool();
      Map<String, Integer> replacedWeights = new LinkedHashMap<>();
      List<TaskSetManager> queued = new ArrayList<>();
      for (Schedulable child : new ArrayList<>(root.schedulableQueue())) {
        if (child instanceof UwfqPool) return replacedWeights; // already installed
        if (child instanceof Pool p) {
          replacedWeights.put(p.name(), p.weight());
          collectTaskSets(p, queued);
        }
        root.removeSchedulable(child);
      }
      UwfqPool pool = new UwfqPool(tracker);
      root.addSchedulable(pool);
      for (TaskSetManager tsm : queued) pool.addSchedulable(tsm);
      return replacedWeights;
    }
  }

  /** Puts back a stock FAIR "default" pool (with any queued task sets). */
  static boolean uninstallPool(SparkContext sc) {
    if (!schedulerReady(sc)) return false;
    TaskScheduler scheduler = sc.taskScheduler();
    synchronized (scheduler) {
      Pool root = scheduler.rootPool();
      for (Schedulable child : new ArrayList<>(root.schedulableQueue())) {
        if (child instanceof UwfqPool ours) {
          List<TaskSetManager> queued = new ArrayList<>();
          collectTaskSets(ours, queued);
          root.removeSchedulable(ours);
          Pool stock = new Pool(DEFAULT_POOL, SchedulingMode.FAIR(), 0, 1);
          root.addSchedulable(stock);
          for (TaskSetManager tsm : queued) stock.addSchedulable(tsm);
          return true;
        }
      }
      return false;
    }
  }

  private static void collectTaskSets(Pool pool, List<TaskSetManager> out) {
    for (Schedulable s : pool.schedulableQueue()) {
      if (s instanceof TaskSetManager t) out.add(t);
      else if (s instanceof Pool p) collectTaskSets(p, out);
    }
  }

  static TaskSetInfo infoOf(TaskSetManager tsm) {
    return new TaskSetInfo(tsm.stageId(), tsm.taskSet().stageAttemptId(), tsm.priority(),
        tsm.numTasks(), tsm.taskSet().properties());
  }

  /**
   * A pool whose order is the UWFQ rule: task sets sorted by their job's global virtual deadline.
   * It answers to every pool name, so {@code spark.scheduler.pool=<anything>} lands here instead
   * of making Spark create a stray FIFO pool at the root.
   */
  static final class UwfqPool extends Pool {
    final UwfqJobTracker tracker;

    UwfqPool(UwfqJobTracker tracker) {
      super(DEFAULT_POOL, SchedulingMode.FAIR(), 0, 1);
      this.tracker = tracker;
    }

    @Override
    public void addSchedulable(Schedulable schedulable) {
      super.addSchedulable(schedulable);
      if (schedulable instanceof TaskSetManager tsm) tracker.taskSetAdded(infoOf(tsm));
    }

    @Override
    public Schedulable getSchedulableByName(String name) {
      Schedulable found = super.getSchedulableByName(name);
      if (found != null || name == null || name.startsWith("TaskSet_")) return found;
      return this;
    }

    /**
     * Called on every offer round (each task end, each revive); sorting the few live task sets
     * by a precomputed deadline is cheap enough that no cache is needed.
     */
    @Override
    public ArrayBuffer<TaskSetManager> getSortedTaskSetQueue() {
      record Entry(TaskSetInfo info, TaskSetManager tsm) {}
      List<Entry> ready = new ArrayList<>();
      List<Schedulable> others = new ArrayList<>();
      for (Schedulable s : schedulableQueue()) {
        if (s instanceof TaskSetManager tsm) {
          if (tsm.isSchedulable()) ready.add(new Entry(infoOf(tsm), tsm));
        } else {
          others.add(s);
        }
      }
      Comparator<TaskSetInfo> order = tracker.currentOrder();
      ready.sort((a, b) -> order.compare(a.info, b.info));
      ArrayBuffer<TaskSetManager> out = new ArrayBuffer<>();
      for (Entry e : ready) out.addOne(e.tsm);
      // Nothing else should live here; if something does, it still gets scheduled, last.
      for (Schedulable s : others) out.addAll(s.getSortedTaskSetQueue());
      return out;
    }
  }
}
