package dev.sparkllm.spark.engine;

import dev.sparkllm.engine.format.GgufFile;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * The driver's start-up check of every configured model, so that a typo or a broken file fails
 * the application at once with a message naming the setting, not an hour later in a task: a local
 * GGUF file must exist and have a valid header, a Hugging Face directory must hold config.json, a
 * Hadoop URI must exist. A file shipped with {@code --files} is found by its name.
 */
public final class ModelChecks {
  private ModelChecks() {}

  /** The problems found, one sentence each; empty when every model is usable. */
  public static List<String> problems(SparkConf conf) {
    List<String> problems = new ArrayList<>();
    for (Tuple2<String, String> entry : conf.getAllWithPrefix(ModelRegistry.PREFIX)) {
      if (!entry._1().endsWith(".path")) {
        continue;
      }
      String name = entry._1().substring(0, entry._1().length() - ".path".length());
      String problem = problem(conf, entry._2().trim());
      if (problem != null) {
        problems.add("model '" + name + "' (" + ModelRegistry.pathKey(name) + "=" + entry._2() + "): " + problem);
      }
    }
    return problems;
  }

  private static String problem(SparkConf conf, String location) {
    if (location.isEmpty()) {
      return "the path is empty";
    }
    URI uri;
    try {
      uri = ModelRegistry.uriOf(location);
    } catch (IllegalArgumentException e) {
      return "not a path or URI: " + e.getMessage();
    }
    Path local = ModelRegistry.localFileOf(location, uri);
    if (local == null) {
      try {
        FileSystem fs = FileSystem.get(uri, new Configuration());
        return fs.exists(new org.apache.hadoop.fs.Path(uri)) ? null : "does not exist";
      } catch (IOException | RuntimeException e) {
        return "cannot be read: " + e.getMessage();
      }
    }
    if (!Files.exists(local)) {
      String shipped = conf.get("spark.files", "");
      return shipped.contains(local.getFileName().toString()) ? null : "does not exist (and no file of that name is "
          + "shipped with --files)";
    }
    if (Files.isDirectory(local)) {
      return Files.exists(local.resolve("config.json")) ? null
          : "is a directory without config.json: not a Hugging Face model";
    }
    if (!Files.isReadable(local)) {
      return "is not readable";
    }
    try (GgufFile ignored = GgufFile.open(local)) {
      return null;
    } catch (IOException | RuntimeException e) {
      return "is not a usable GGUF file: " + e.getMessage();
    }
  }
}
