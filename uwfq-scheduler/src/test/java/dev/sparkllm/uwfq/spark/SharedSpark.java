package dev.sparkllm.uwfq.spark;

import org.apache.spark.sql.SparkSession;

/** The module's one local SparkSession, with UWFQ enabled the way users enable it. */
public final class SharedSpark {
  private static SparkSession session;

  private SharedSpark() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      session = SparkSession.builder()
          .master("local[2]")
          .appName("uwfq-scheduler-tests")
          .config("spark.plugins", UwfqPlugin.class.getName())
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "2")
          .getOrCreate();
      Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
    }
    return session;
  }
}
