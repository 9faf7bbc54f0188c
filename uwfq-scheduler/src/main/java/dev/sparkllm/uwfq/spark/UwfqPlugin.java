package dev.sparkllm.uwfq.spark;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Enables UWFQ with {@code spark.plugins=dev.sparkllm.uwfq.spark.UwfqPlugin}. Nothing runs on
 * executors: scheduling is the driver's business.
 */
public final class UwfqPlugin implements SparkPlugin {
  @Override
  public DriverPlugin driverPlugin() {
    return new UwfqDriverPlugin();
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return null;
  }
}
