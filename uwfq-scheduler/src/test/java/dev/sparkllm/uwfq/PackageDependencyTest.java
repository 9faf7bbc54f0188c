package dev.sparkllm.uwfq;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The core must stay usable without Spark (the engine's token scheduler uses it), so only the
 * adapter package may import Spark or Scala, and the core imports none of its siblings.
 */
class PackageDependencyTest {
  private static final Path MAIN = Path.of("src/main/java/dev/sparkllm/uwfq");

  private static List<String> violations(String pkg, List<String> forbidden) throws IOException {
    List<String> bad = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN.resolve(pkg))) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        for (String line : Files.readAllLines(f)) {
          if (!line.startsWith("import ")) continue;
          for (String prefix : forbidden) {
            if (line.contains(" " + prefix) || line.contains("static " + prefix)) {
              bad.add(f.getFileName() + ": " + line);
            }
          }
        }
      }
    }
    return bad;
  }

  @Test
  void onlyTheAdapterSeesSpark() throws IOException {
    assertTrue(Files.isDirectory(MAIN), "run from the module directory");
    for (String pkg : List.of("core", "estimate", "partition", "sim")) {
      List<String> bad = violations(pkg, List.of("org.apache.spark", "scala."));
      assertTrue(bad.isEmpty(), pkg + " imports Spark: " + bad);
    }
  }

  @Test
  void coreDependsOnNothingElseHere() throws IOException {
    List<String> bad = violations("core", List.of("dev.sparkllm.uwfq.estimate",
        "dev.sparkllm.uwfq.partition", "dev.sparkllm.uwfq.sim", "dev.sparkllm.uwfq.spark"));
    assertTrue(bad.isEmpty(), "core imports its siblings: " + bad);
  }
}
