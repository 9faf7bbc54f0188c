package dev.sparkllm.spark.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Answers {@link InputFormat.PathProbe} through Hadoop's file systems, so inference works for
 * local paths and for whatever Spark is configured to read (HDFS, S3, ABFS).
 */
final class HadoopPathProbe implements InputFormat.PathProbe {
  private final Configuration conf;

  HadoopPathProbe(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public boolean exists(String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(conf).exists(p);
    } catch (IllegalArgumentException e) {
      return false; // not a path at all, e.g. a table name with characters a URI rejects
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean isDirectory(String path) {
    return call(() -> {
      Path p = new Path(path);
      return p.getFileSystem(conf).getFileStatus(p).isDirectory();
    });
  }

  @Override
  public boolean hasChild(String directory, String name) {
    return call(() -> {
      Path child = new Path(directory, name);
      return child.getFileSystem(conf).exists(child);
    });
  }

  @Override
  public boolean hasFileEndingWith(String directory, String suffix) {
    return call(() -> {
      Path p = new Path(directory);
      FileSystem fs = p.getFileSystem(conf);
      for (FileStatus status : fs.listStatus(p)) {
        String name = status.getPath().getName();
        if (status.isFile() && name.endsWith(suffix) && !name.startsWith(".") && !name.startsWith("_")) {
          return true;
        }
      }
      return false;
    });
  }

  private interface IoCall {
    boolean call() throws IOException;
  }

  private static boolean call(IoCall call) {
    try {
      return call.call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
