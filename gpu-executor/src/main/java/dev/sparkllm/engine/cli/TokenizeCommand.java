package dev.sparkllm.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.model.ModelLoader;
import dev.sparkllm.engine.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tokenize}: prints the token ids of {@code --text}, or of each JSONL line's {@code text}
 * (or {@code prompt}) field as a JSON line with the ids and their count.
 */
final class TokenizeCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizeCommand() {}

    static void run(CliArgs a, PrintStream out) throws IOException {
        boolean special = a.has("special");
        try (LoadedModel model = ModelLoader.load(Path.of(a.require("model")))) {
            Tokenizer tokenizer = model.tokenizer();
            if (a.has("text")) {
                out.println(line(tokenizer, null, a.get("text", ""), special));
                return;
            }
            List<String> lines = Files.readAllLines(Path.of(a.require("input")), StandardCharsets.UTF_8);
            for (String l : lines) {
                if (l.isBlank()) continue;
                JsonNode n = JSON.readTree(l);
                String text = n.hasNonNull("text") ? n.get("text").asText() : n.path("prompt").asText("");
                out.println(line(tokenizer, n.hasNonNull("id") ? n.get("id").asText() : null, text, special));
            }
        }
    }

    private static String line(Tokenizer tokenizer, String id, String text, boolean special) throws IOException {
        int[] ids = tokenizer.encode(text, false, special);
        Map<String, Object> m = new LinkedHashMap<>();
        if (id != null) m.put("id", id);
        m.put("token_ids", ids);
        m.put("count", ids.length);
        return JSON.writeValueAsString(m);
    }
}
