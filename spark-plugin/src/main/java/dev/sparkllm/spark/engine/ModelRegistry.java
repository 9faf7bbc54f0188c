package dev.sparkllm.spark.engine;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkFiles;

/**
 * Where a named model's file is on this machine. {@code spark.llm.model.<name>.path} may be a
 * local path, the name of a file shipped with {@code --files} / {@code SparkContext.addFile}
 * (found through {@link SparkFiles}), or any Hadoop file system URI (hdfs://, s3a://, abfss://),
 * which is copied once into an executor-local cache.
 */
public final class ModelRegistry {
  public static final String PREFIX = "spark.llm.model.";

  private ModelRegistry() {}

  public static String pathKey(String model) {
    return PREFIX + model + ".path";
  }

  /** The configured location, or a clear error naming the setting. */
  public static String configuredPath(SparkConf conf, String model) {
    String key = pathKey(model);
    if (!conf.contains(key)) {
      throw new IllegalArgumentException("unknown model '" + model + "': set " + key + " to its GGUF file or "
          + "Hugging Face directory");
    }
    return conf.get(key);
  }

  /** A configured location as a URI (a plain path has no scheme). */
  static URI uriOf(String location) {
    return URI.create(location.replace(" ", "%20"));
  }

  /** The local file of a location, or null when it lives on another (Hadoop) file system. */
  static Path localFileOf(String location, URI uri) {
    if (uri.getScheme() == null) {
      return Path.of(location);
    }
    return "file".equals(uri.getScheme()) ? Path.of(uri) : null;
  }

  /** A local file for the model, copying it into the local cache when it lives elsewhere. */
  public static Path localPath(SparkConf conf, String model) throws IOException {
    String location = configuredPath(conf, model);
    URI uri = uriOf(location);
    Path local = localFileOf(location, uri);
    if (local != null) {
      if (Files.exists(local)) {
        return local;
      }
      Path shipped = shippedFile(local.getFileName().toString());
      if (shipped != null) {
        return shipped;
      }
      throw new IOException("model '" + model + "': " + location + " does not exist on this machine (and no file of "
          + "that name was shipped with --files)");
    }
    return copyToLocalCache(model, uri);
  }

  private static Path shippedFile(String name) {
    try {
      Path shipped = Path.of(SparkFiles.get(name));
      return Files.exists(shipped) ? shipped : null;
    } catch (RuntimeException e) {
      return null; // no SparkContext files here
    }
  }

  private static synchronized Path copyToLocalCache(String model, URI uri) throws IOException {
    Path cacheDir = Path.of(System.getProperty("java.io.tmpdir"), "sparkllm-models");
    Files.createDirectories(cacheDir);
    String fileName = Path.of(uri.getPath()).getFileName().toString();
    Path target = cacheDir.resolve(Integer.toHexString(uri.toString().hashCode()) + "-" + fileName);
    if (Files.exists(target)) {
      return target;
    }
    FileSystem fs = FileSystem.get(uri, new Configuration());
    Path partial = Files.createTempFile(cacheDir, fileName, ".part");
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(uri))) {
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
    return target;
  }
}
