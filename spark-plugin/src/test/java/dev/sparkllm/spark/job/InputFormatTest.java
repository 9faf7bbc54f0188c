package dev.sparkllm.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Inference of --input's format from the path, against an imagined file system. */
class InputFormatTest {

  /** Files and directories by path; a directory maps to the names it holds. */
  private record FakeFiles(Set<String> files, Map<String, Set<String>> directories)
      implements InputFormat.PathProbe {
    @Override public boolean exists(String path) {
      return files.contains(path) || directories.containsKey(path);
    }

    @Override public boolean isDirectory(String path) {
      return directories.containsKey(path);
    }

    @Override public boolean hasChild(String directory, String name) {
      return directories.get(directory).contains(name);
    }

    @Override public boolean hasFileEndingWith(String directory, String suffix) {
      return directories.get(directory).stream().anyMatch(n -> n.endsWith(suffix));
    }
  }

  private final FakeFiles fs = new FakeFiles(
      Set.of("data/p.jsonl", "data/p.json", "data/p.parquet", "data/readme.txt"),
      Map.of("lake/prompts", Set.of("_delta_log", "part-0.parquet"),
          "export/parquet", Set.of("_SUCCESS", "part-0.snappy.parquet"),
          "export/json", Set.of("part-0.jsonl"),
          "export/empty", Set.of()));

  @Test
  void pathsAndTables() {
    assertEquals(InputFormat.DELTA, InputFormat.infer("lake/prompts", fs));
    assertEquals(InputFormat.PARQUET, InputFormat.infer("export/parquet", fs));
    assertEquals(InputFormat.PARQUET, InputFormat.infer("data/p.parquet", fs));
    assertEquals(InputFormat.JSON, InputFormat.infer("export/json", fs));
    assertEquals(InputFormat.JSON, InputFormat.infer("data/p.jsonl", fs));
    assertEquals(InputFormat.JSON, InputFormat.infer("data/p.json", fs));
    assertEquals(InputFormat.TABLE, InputFormat.infer("prompts", fs));
    assertEquals(InputFormat.TABLE, InputFormat.infer("sales.prompts", fs));
    assertEquals(InputFormat.TABLE, InputFormat.infer("spark_catalog.`my db`.prompts", fs));
  }

  @Test
  void unknownOrMissingInputsAreRefused() {
    JobException missing = assertThrows(JobException.class, () -> InputFormat.infer("data/nope.jsonl", fs));
    assertEquals(ExitCode.BAD_DATA, missing.exitCode());
    assertTrue(missing.getMessage().contains("input not found: data/nope.jsonl"));
    assertTrue(assertThrows(JobException.class, () -> InputFormat.infer("nope.jsonl", fs))
        .getMessage().contains("not found"));
    assertTrue(assertThrows(JobException.class, () -> InputFormat.infer("data/readme.txt", fs))
        .getMessage().contains("--input-format"));
    assertTrue(assertThrows(JobException.class, () -> InputFormat.infer("export/empty", fs))
        .getMessage().contains("--input-format"));
  }
}
