package dev.sparkllm.spark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkllm.spark.testutil.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelChecksTest {
  @TempDir
  Path dir;

  private static List<String> check(String name, String path) {
    return ModelChecks.problems(new SparkConf(false).set(ModelRegistry.pathKey(name), path));
  }

  @Test
  void theDefaultModelPasses() {
    assertEquals(List.of(), check("default", SharedSpark.modelPath().toString()));
  }

  @Test
  void missingBrokenAndIncompleteModelsAreNamedWithTheirSetting() throws Exception {
    List<String> missing = check("typo", dir.resolve("nope.gguf").toString());
    assertEquals(1, missing.size());
    assertTrue(missing.get(0).contains("spark.llm.model.typo.path") && missing.get(0).contains("does not exist"),
        missing.get(0));
    Path garbage = Files.writeString(dir.resolve("garbage.gguf"), "this is not a model");
    assertTrue(check("broken", garbage.toString()).get(0).contains("is not a usable GGUF file"));
    Path hfDir = Files.createDirectory(dir.resolve("hf"));
    assertTrue(check("hf", hfDir.toString()).get(0).contains("without config.json"));
    assertTrue(check("empty", " ").get(0).contains("the path is empty"));
  }
}
