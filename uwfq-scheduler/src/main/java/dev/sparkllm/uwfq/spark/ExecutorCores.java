package dev.sparkllm.uwfq.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;

/**
 * The cluster's core count C, which sets how fast virtual time runs. Counted from executor
 * events rather than taken from {@code defaultParallelism}, which users often set to a partition
 * count; the fallback is used until an executor has been seen (local mode announces its one
 * executor before any plugin can listen).
 */
public final class ExecutorCores extends SparkListener implements IntSupplier {
  private final Map<String, Integer> coresByExecutor = new ConcurrentHashMap<>();
  private final IntSupplier fallback;

  public ExecutorCores(IntSupplier fallback) {
    this.fallback = fallback;
  }

  @Override
  public void onExecutorAdded(SparkListenerExecutorAdded added) {
    coresByExecutor.put(added.executorId(), added.executorInfo().totalCores());
  }

  @Override
  public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
    coresByExecutor.remove(removed.executorId());
  }

  @Override
  public int getAsInt() {
    int sum = 0;
    for (int c : coresByExecutor.values()) sum += c;
    return sum > 0 ? sum : Math.max(1, fallback.getAsInt());
  }
}
