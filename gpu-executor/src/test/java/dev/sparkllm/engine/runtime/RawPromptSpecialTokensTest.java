package dev.sparkllm.engine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.sampling.SamplingParams;
import dev.sparkllm.engine.testutil.TestModels;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A raw prompt (chat template off) through the request path, against llama.cpp's tokenization of
 * the same text on the same GGUF file (tokenizer-reference/smollm2.jsonl, which holds every
 * special-token string both parsed and not): by default the special tokens in it are parsed, as
 * llama.cpp's and vLLM's servers do; with {@code parseSpecial = false} they stay text.
 */
class RawPromptSpecialTokensTest {
    private static final LoadedModel MODEL = TestModels.smolLm2();
    private static final SamplingParams ONE = new SamplingParams(1, 0f, 0, 1f, 0f, null, List.of(), false);

    @Test
    void rawPromptsParseSpecialTokensByDefaultAndNotWhenAskedNot() throws IOException {
        Map<String, int[]> parsed = new LinkedHashMap<>(), unparsed = new LinkedHashMap<>();
        for (JsonNode row : reference()) {
            String text = row.get("text").asText();
            if (text.isEmpty()) continue;
            int[] ids = new ObjectMapper().convertValue(row.get("ids_llamacpp"), int[].class);
            (row.get("parse_special").asBoolean() ? parsed : unparsed).put(text, ids);
        }
        assertTrue(parsed.keySet().stream().anyMatch(t -> t.contains("<|im_start|>")), "no special token in the reference");
        PromptPreparer preparer = new PromptPreparer(MODEL, 4096);
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, int[]> e : parsed.entrySet()) {
            GenerationRequest byDefault = new GenerationRequest("d", e.getKey(), null, null, ONE, false, null, null);
            check(preparer.prepare(byDefault), e.getValue(), "default", e.getKey(), mismatches);
            int[] asText = unparsed.get(e.getKey());
            if (asText != null) {
                GenerationRequest notParsed = new GenerationRequest("n", e.getKey(), null, null, ONE, false, null, false);
                check(preparer.prepare(notParsed), asText, "parse_special=false", e.getKey(), mismatches);
            }
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches: " + mismatches);
    }

    private static void check(PromptPreparer.Prepared p, int[] expected, String mode, String text, List<String> mismatches) {
        assertNull(p.error(), mode + ": " + text);
        if (!Arrays.equals(expected, p.tokens())) {
            mismatches.add(mode + " " + text + ": llama.cpp " + Arrays.toString(expected) + ", ours " + Arrays.toString(p.tokens()));
        }
    }

    private static List<JsonNode> reference() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                RawPromptSpecialTokensTest.class.getResourceAsStream("/tokenizer-reference/smollm2.jsonl"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) if (!line.isBlank()) rows.add(json.readTree(line));
        }
        return rows;
    }
}
