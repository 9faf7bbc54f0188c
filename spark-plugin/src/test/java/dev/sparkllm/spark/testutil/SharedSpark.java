package dev.sparkllm.spark.testutil;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The one local Spark session of this module's tests (Spark takes seconds to start): two cores,
 * Delta and the llm_generate extension, the plugin, and the default model from the system property
 * {@code sparkllm.model.path} that the build passes (ci/fetch-model.sh downloads it).
 */
public final class SharedSpark {
  private static SparkSession session;

  private SharedSpark() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      session = SparkSession.builder()
          .master("local[2]")
          .appName("sparkllm-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.sql.extensions",
              "io.delta.sql.DeltaSparkSessionExtension,dev.sparkllm.spark.LlmSparkExtensions")
          .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
          .config("spark.plugins", "dev.sparkllm.spark.LlmSparkPlugin")
          .config("spark.llm.model.default.path", modelPath().toString())
          .config("spark.llm.engine.threads", "2")
          .getOrCreate();
    }
    return session;
  }

  public static Path modelPath() {
    String configured = System.getProperty("sparkllm.model.path");
    if (configured == null || configured.isBlank() || !Files.exists(Path.of(configured))) {
      throw new IllegalStateException("the default model is missing: run ci/fetch-model.sh and pass "
          + "-Dsparkllm.model.path=<file> (ci/test.sh does both); got '" + configured + "'");
    }
    return Path.of(configured);
  }
}
