package dev.sparkllm.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkllm.engine.testutil.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI end to end on the real model: one output line per input line, bad lines included. */
class EngineCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void generateWritesOneResultPerLine(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.jsonl");
        Path out = dir.resolve("out.jsonl");
        Files.writeString(in, String.join("\n",
                "{\"id\": \"a\", \"prompt\": \"Name a planet.\"}",
                "{\"id\": \"b\", \"messages\": [{\"role\": \"user\", \"content\": \"Say yes.\"}], \"max_tokens\": 3}",
                "not json",
                "{\"id\": \"c\", \"prompt\": null}",
                "{\"id\": \"d\", \"prompt\": \"Hi\", \"temperature\": 0.8, \"seed\": 5, \"top_p\": 0.9}") + "\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = EngineCli.run(new String[]{"generate", "--model", TestModels.defaultModelPath().toString(),
                "--input", in.toString(), "--output", out.toString(), "--max-tokens", "8", "--threads", "2"},
                System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        List<String> lines = Files.readAllLines(out);
        assertEquals(5, lines.size());
        JsonNode a = JSON.readTree(lines.get(0));
        assertEquals("a", a.get("id").asText());
        assertTrue(a.get("error").isNull());
        assertTrue(a.get("completion_tokens").asInt() > 0 && a.get("completion_tokens").asInt() <= 8);
        assertEquals(a.get("completion_tokens").asInt(), a.get("token_ids").size());
        assertTrue(JSON.readTree(lines.get(1)).get("completion_tokens").asInt() <= 3);
        assertTrue(JSON.readTree(lines.get(2)).get("error").asText().contains("not valid JSON"));
        assertEquals("prompt is null", JSON.readTree(lines.get(3)).get("error").asText());
        assertTrue(JSON.readTree(lines.get(4)).get("error").isNull());
    }

    @Test
    void logprobsFromTheFlagAndPerLine(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.jsonl");
        Path out = dir.resolve("out.jsonl");
        Files.writeString(in, String.join("\n",
                "{\"id\": \"flag\", \"prompt\": \"Name a planet.\"}",
                "{\"id\": \"off\", \"prompt\": \"Name a planet.\", \"logprobs\": -1}",
                "{\"id\": \"zero\", \"prompt\": \"Name a planet.\", \"logprobs\": 0}",
                "{\"id\": \"big\", \"prompt\": \"Name a planet.\", \"logprobs\": 21}",
                "{\"id\": \"half\", \"prompt\": \"Name a planet.\", \"logprobs\": 1.5}") + "\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = EngineCli.run(new String[]{"generate", "--model", TestModels.defaultModelPath().toString(),
                "--input", in.toString(), "--output", out.toString(), "--max-tokens", "4", "--threads", "2", "--logprobs", "2"},
                System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        List<String> lines = Files.readAllLines(out);
        JsonNode flag = JSON.readTree(lines.get(0));
        assertEquals(flag.get("completion_tokens").asInt(), flag.get("logprobs").size());
        JsonNode first = flag.get("logprobs").get(0);
        assertEquals(flag.get("token_ids").get(0).asInt(), first.get("id").asInt());
        assertTrue(first.get("logprob").asDouble() <= 0);
        assertTrue(first.get("token").isTextual());
        assertEquals(2, first.get("top").size());
        assertEquals(first.get("id").asInt(), first.get("top").get(0).get("id").asInt());
        assertTrue(JSON.readTree(lines.get(1)).get("logprobs") == null, "a line may turn it off");
        assertEquals(0, JSON.readTree(lines.get(2)).get("logprobs").get(0).get("top").size());
        assertTrue(JSON.readTree(lines.get(3)).get("error").asText().contains("logprobs must be"));
        assertTrue(JSON.readTree(lines.get(4)).get("error").asText().contains("logprobs must be an integer"));

        ByteArrayOutputStream badErr = new ByteArrayOutputStream();
        assertEquals(2, EngineCli.run(new String[]{"generate", "--model", "x", "--logprobs", "30"}, System.out,
                new PrintStream(badErr, true, StandardCharsets.UTF_8)));
        assertTrue(badErr.toString(StandardCharsets.UTF_8).contains("logprobs must be"), badErr.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badArgumentsExitWithUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, EngineCli.run(new String[]{"generate", "--model", "x", "--temperature", "hot"}, System.out, errStream));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--temperature must be a number"));
        assertEquals(2, EngineCli.run(new String[]{"frobnicate"}, System.out, errStream));
        assertEquals(1, EngineCli.run(new String[]{"generate", "--model", "/nonexistent.gguf", "--input", "/x", "--output", "/y"},
                System.out, errStream));
    }

    @Test
    void tokenizePrintsIds() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = EngineCli.run(new String[]{"tokenize", "--model", TestModels.defaultModelPath().toString(),
                "--text", "Hello world"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, status);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"token_ids\":[19556,905]"), out.toString(StandardCharsets.UTF_8));
    }
}
