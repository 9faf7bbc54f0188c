package dev.sparkllm.spark;

import dev.sparkllm.spark.engine.ExecutorEngines;
import dev.sparkllm.spark.engine.ModelRegistry;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import dev.sparkllm.uwfq.spark.UwfqDriverPlugin;
import scala.Tuple2;

/**
 * {@code spark.plugins=dev.sparkllm.spark.LlmSparkPlugin}. The driver side checks the model
 * registry ({@code spark.llm.model.<name>.path}) at start-up so a typo fails the application
 * at once, not an hour into a job, and installs the UWFQ user-fair pool
 * ({@code spark.llm.uwfq.enabled}, on by default; see uwfq-scheduler); the executor side owns the engines' lifetime: models are loaded
 * on first use, once per executor JVM, and freed when the executor shuts down.
 */
public final class LlmSparkPlugin implements SparkPlugin {
  @Override
  public DriverPlugin driverPlugin() {
    UwfqDriverPlugin fairScheduling = new UwfqDriverPlugin();
    return new DriverPlugin() {
      @Override
      public Map<String, String> init(SparkContext sc, PluginContext context) {
        fairScheduling.init(sc, context);
        SparkConf conf = sc.getConf();
        for (Tuple2<String, String> entry : conf.getAllWithPrefix(ModelRegistry.PREFIX)) {
          if (entry._1().endsWith(".path") && entry._2().isBlank()) {
            throw new IllegalArgumentException(ModelRegistry.PREFIX + entry._1() + " is empty: give the model's file");
          }
        }
        return Map.of();
      }

      @Override
      public void registerMetrics(String appId, PluginContext context) {
        fairScheduling.registerMetrics(appId, context);
      }
    };
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void shutdown() {
        ExecutorEngines.closeAll();
      }
    };
  }
}
