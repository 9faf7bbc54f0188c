package dev.sparkllm.spark;

import org.apache.spark.sql.AnalysisException;
import scala.collection.immutable.Map$;
import scala.jdk.javaapi.CollectionConverters;

/** How the plugin reports a user's mistake found while a query is analysed or planned. */
public final class LlmErrors {
  /** Spark's error class whose whole message is one parameter: our messages are complete sentences. */
  private static final String MESSAGE_ONLY = "_LEGACY_ERROR_TEMP_1332";

  private LlmErrors() {}

  /**
   * Throws Spark's {@link AnalysisException} (a checked exception in Java's eyes, which Catalyst's
   * Scala callers do not declare). Written {@code throw LlmErrors.analysis(...)} so the compiler
   * knows the call does not return.
   */
  public static RuntimeException analysis(String message) {
    java.util.Map<String, String> params = java.util.Map.of("errorMessage", "llm_generate: " + message);
    throw LlmErrors.<RuntimeException>sneaky(
        new AnalysisException(MESSAGE_ONLY, Map$.MODULE$.from(CollectionConverters.asScala(params))));
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T sneaky(Throwable t) throws T {
    throw (T) t;
  }
}
