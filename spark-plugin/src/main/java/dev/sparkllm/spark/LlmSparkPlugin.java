package dev.sparkllm.spark;

import dev.sparkllm.spark.engine.ExecutorEngines;
import dev.sparkllm.spark.engine.ModelChecks;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import dev.sparkllm.uwfq.spark.UwfqDriverPlugin;

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
        List<String> problems = ModelChecks.problems(sc.getConf());
        if (!problems.isEmpty()) {
          throw new IllegalArgumentException("sparkllm cannot start: " + String.join("; ", problems));
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
      public void init(PluginContext ctx, Map<String, String> extraConf) {
        // The GPU Spark gave this executor (spark.executor.resource.gpu.amount): the CUDA backend runs there.
        org.apache.spark.resource.ResourceInformation gpu = ctx.resources().get("gpu");
        if (gpu != null && gpu.addresses().length > 0) ExecutorEngines.assignGpu(gpu.addresses()[0]);
      }

      @Override
      public void shutdown() {
        ExecutorEngines.closeAll();
      }
    };
  }
}
