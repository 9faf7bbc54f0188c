package dev.sparkllm.engine.planning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkllm.engine.chat.ChatTemplate;
import dev.sparkllm.engine.chat.PromptFormatter;
import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.testutil.TestModels;
import dev.sparkllm.planner.PlanRequest;
import dev.sparkllm.planner.PlannerConfig;
import dev.sparkllm.planner.PrefixPlanner;
import dev.sparkllm.planner.cost.CostModel;
import dev.sparkllm.planner.plan.Plan;
import dev.sparkllm.planner.plan.PlanGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The checked-in sample workloads, tokenized by the real SmolLM2 tokenizer (with and without its
 * chat template), planned: the groups the planner finds are the ones the generator built.
 */
class SamplePlanningTest {
  private static final PrefixPlanner PLANNER =
      new PrefixPlanner(PlannerConfig.defaults(), CostModel.SMOLLM2_CPU_2_THREADS);

  private record Row(String id, String truth, PlanRequest request) {}

  private static List<Row> load(String sample, String truthField, boolean chat) throws IOException {
    LoadedModel model = TestModels.smolLm2();
    ChatTemplate template = new ChatTemplate(model.chatTemplate(), model.bosText(), model.eosText());
    PromptFormatter formatter = PromptFormatter.forTokenizer(template, model.tokenizer());
    ObjectMapper json = new ObjectMapper();
    List<Row> rows = new ArrayList<>();
    for (String line : Files.readAllLines(TestModels.repoRoot().resolve(Path.of("datasets", "samples", sample)))) {
      JsonNode row = json.readTree(line);
      String id = row.get("id").asText();
      int[] tokens = formatter.format(row.get("prompt").asText(), chat, null, true).encode(model.tokenizer());
      rows.add(new Row(id, row.get(truthField).asText(),
          new PlanRequest(id, tokens, row.get("max_tokens").asInt(), -1, row.get("user").asText())));
    }
    return rows;
  }

  private static Map<String, Integer> deepestGroups(List<Row> rows, Plan plan) {
    Map<String, Integer> groups = new HashMap<>();
    for (Row row : rows) {
      PlanRequest r = row.request();
      groups.put(row.id(), plan.assign(r.id(), r.tokens(), r.tokens().length).groupId());
    }
    return groups;
  }

  /** Same deepest group exactly when the generator gave the same ground-truth group. */
  private static void assertGroupsMatchTruth(List<Row> rows, Map<String, Integer> groups) {
    for (Row a : rows) {
      assertTrue(groups.get(a.id()) >= 0, a.id() + " is in a group");
      for (Row b : rows) {
        assertEquals(a.truth().equals(b.truth()), groups.get(a.id()).equals(groups.get(b.id())),
            a.id() + " (" + a.truth() + ") and " + b.id() + " (" + b.truth() + ")");
      }
    }
  }

  @Test
  void batchLlmSampleGroupsAreTheGeneratorsGroups() throws IOException {
    for (boolean chat : new boolean[] {false, true}) {
      List<Row> rows = load("batchllm.jsonl", "group", chat);
      Plan plan = PLANNER.plan(rows.stream().map(Row::request).toList(), 2).plan();
      assertGroupsMatchTruth(rows, deepestGroups(rows, plan));
    }
  }

  @Test
  void multiLevelSampleNestsSystemFewShotAndDocument() throws IOException {
    List<Row> rows = load("multilevel.jsonl", "prefix_path", false);
    Plan plan = PLANNER.plan(rows.stream().map(Row::request).toList(), 2).plan();
    Map<String, Integer> groups = deepestGroups(rows, plan);
    assertGroupsMatchTruth(rows, groups);
    for (Row row : rows) {
      PlanGroup document = plan.groups().get(groups.get(row.id()));
      assertEquals(2, document.level(), "system / few-shot / document");
      PlanGroup fewShot = plan.groups().get(document.parentId());
      PlanGroup system = plan.groups().get(fewShot.parentId());
      assertEquals(rows.size(), system.requests(), "every row shares the system prompt");
      String fewShotName = row.truth().split("/")[1];
      long sameFewShot = rows.stream().filter(r -> r.truth().split("/")[1].equals(fewShotName)).count();
      assertEquals(sameFewShot, fewShot.requests());
    }
  }
}
