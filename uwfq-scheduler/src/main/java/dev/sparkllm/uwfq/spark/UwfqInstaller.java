package dev.sparkllm.uwfq.spark;

import dev.sparkllm.uwfq.core.UwfqConfig;
import dev.sparkllm.uwfq.core.VirtualFairQueue;
import dev.sparkllm.uwfq.estimate.CalibratedCostEstimator;
import dev.sparkllm.uwfq.estimate.CompositeJobSizeEstimator;
import dev.sparkllm.uwfq.estimate.JobSizeEstimator;
import dev.sparkllm.uwfq.estimate.ShapeHistoryEstimator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListenerInterface;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Installs UWFQ into a running SparkContext: a UWFQ pool as the only pool under the root, and a
 * listener that measures jobs. Public and static so that other plugins (the project's
 * spark-plugin) can install it from their own {@code DriverPlugin}; installing twice is harmless.
 *
 * <p>Call {@link #prepare} from {@code DriverPlugin.init} (it switches the scheduler to FAIR mode,
 * which pools need) and {@link #install} from {@code DriverPlugin.registerMetrics}, the first hook
 * at which the scheduler and its pools exist.
 */
public final class UwfqInstaller {
  private static final Logger LOG = LoggerFactory.getLogger(UwfqInstaller.class);
  private static final Map<SparkContext, List<SparkListenerInterface>> LISTENERS =
      new WeakHashMap<>();

  private UwfqInstaller() {}

  /** From {@code DriverPlugin.init}: make the scheduler FAIR so the pool has somewhere to live. */
  public static void prepare(SparkContext sc) {
    String before = SparkSchedulerBridge.forceFairMode(sc);
    if (!before.equalsIgnoreCase("FAIR")) {
      LOG.info("UWFQ: spark.scheduler.mode was {}, set to FAIR so the UWFQ pool can be installed",
          before);
    }
  }

  /** Installs with the default estimators and the settings in the context's SparkConf. */
  public static synchronized Optional<UwfqJobTracker> install(SparkContext sc) {
    UwfqSettings settings = settingsOf(sc.getConf());
    return install(sc, settings, new CompositeJobSizeEstimator(new CalibratedCostEstimator(),
        new ShapeHistoryEstimator(0.3, settings.defaultTaskSeconds(), 10_000)));
  }

  /**
   * Installs with the given settings and size estimator. Returns the tracker that orders jobs, or
   * empty when it cannot be installed (the scheduler runs FIFO mode, where Spark ignores pools).
   */
  public static synchronized Optional<UwfqJobTracker> install(
      SparkContext sc, UwfqSettings settings, JobSizeEstimator estimator) {
    UwfqJobTracker existing = SparkSchedulerBridge.installedTracker(sc);
    if (existing != null) return Optional.of(existing);
    if (!SparkSchedulerBridge.schedulerReady(sc)) {
      throw new IllegalStateException("UWFQ: the task scheduler does not exist yet; install from "
          + "DriverPlugin.registerMetrics or later");
    }
    if (!SparkSchedulerBridge.isFairMode(sc)) {
      LOG.warn("UWFQ: not installed, spark.scheduler.mode is not FAIR (enable the plugin through "
          + "spark.plugins, or set spark.scheduler.mode=FAIR)");
      return Optional.empty();
    }
    long origin = System.nanoTime();
    ExecutorCores cores = new ExecutorCores(sc::defaultParallelism);
    VirtualFairQueue queue = new VirtualFairQueue(cores.getAsInt(),
        UwfqConfig.defaults().withGraceTime(settings.graceSeconds()));
    UwfqJobTracker tracker = new UwfqJobTracker(queue, estimator,
        () -> (System.nanoTime() - origin) / 1e9, cores, sc.sparkUser());
    Map<String, Integer> poolWeights = SparkSchedulerBridge.installPool(sc, tracker);
    // An allocation file's pool weights carry over to users of that name; explicit settings win.
    Map<String, Double> weights = new HashMap<>();
    poolWeights.forEach((pool, w) -> {
      if (!pool.equals(SparkSchedulerBridge.DEFAULT_POOL) && w > 0) weights.put(pool, (double) w);
    });
    weights.putAll(settings.weights());
    weights.forEach(tracker::setWeight);
    UwfqListener listener = new UwfqListener(tracker);
    sc.addSparkListener(cores);
    sc.addSparkListener(listener);
    LISTENERS.put(sc, List.of(cores, listener));
    LOG.info("UWFQ: pool installed ({} cores, grace {} s, {} weighted users, replaced pools {})",
        cores.getAsInt(), settings.graceSeconds(), weights.size(), poolWeights.keySet());
    return Optional.of(tracker);
  }

  /** Puts Spark's stock FAIR "default" pool back. Returns whether UWFQ was installed. */
  public static synchronized boolean uninstall(SparkContext sc) {
    List<SparkListenerInterface> listeners = LISTENERS.remove(sc);
    if (listeners != null) listeners.forEach(sc::removeSparkListener);
    return SparkSchedulerBridge.uninstallPool(sc);
  }

  /** The tracker of the installed pool, if any. */
  public static Optional<UwfqJobTracker> installed(SparkContext sc) {
    return Optional.ofNullable(SparkSchedulerBridge.installedTracker(sc));
  }

  static UwfqSettings settingsOf(SparkConf conf) {
    Map<String, String> all = new HashMap<>();
    for (Tuple2<String, String> kv : conf.getAllWithPrefix(UwfqSettings.PREFIX)) {
      all.put(UwfqSettings.PREFIX + kv._1(), kv._2());
    }
    return UwfqSettings.from(all::get, all);
  }
}
