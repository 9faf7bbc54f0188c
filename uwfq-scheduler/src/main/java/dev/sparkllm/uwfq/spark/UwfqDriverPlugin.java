package dev.sparkllm.uwfq.spark;

import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.PluginContext;

/**
 * Driver side of {@link UwfqPlugin}: FAIR mode in {@code init} (before the task scheduler is
 * built), the pool in {@code registerMetrics} (after the pools are built, before any job).
 */
public final class UwfqDriverPlugin implements DriverPlugin {
  private SparkContext sc;
  private boolean enabled;

  @Override
  public Map<String, String> init(SparkContext sc, PluginContext ctx) {
    this.sc = sc;
    this.enabled = UwfqInstaller.settingsOf(sc.getConf()).enabled();
    if (enabled) UwfqInstaller.prepare(sc);
    return Map.of();
  }

  @Override
  public void registerMetrics(String appId, PluginContext ctx) {
    if (enabled) UwfqInstaller.install(sc);
  }
}
