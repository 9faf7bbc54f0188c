package dev.sparkllm.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The other pre-tokenizers on SmolLM2's vocabulary and merges, against llama.cpp (the GGUF with
 * another tokenizer.ggml.pre) and HF tokenizers (the matching Split regex), from
 * {@code pretokenizers.jsonl}.
 */
class PreTokenizerReferenceTest {
    private static final String REFERENCE = "/tokenizer-reference/pretokenizers.jsonl";
    private static List<JsonNode> lines;

    @BeforeAll
    static void load() throws IOException {
        lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = PreTokenizerReferenceTest.class.getResourceAsStream(REFERENCE)) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                lines.add(json.readTree(line));
            }
        }
    }

    /**
     * Reference lines of a pre-tokenizer, and the pre-tokenizer name we run them with: the named
     * scanners, and the general regex path on the same regexes (llama.cpp itself runs Qwen 2's
     * regex through std::regex).
     */
    static Stream<Arguments> preTokenizers() {
        return Stream.of(
                Arguments.of("gpt-2", "gpt-2"),
                Arguments.of("llama-bpe", "llama-bpe"),
                Arguments.of("qwen2", "qwen2"),
                Arguments.of("default", "default"),
                Arguments.of("qwen2", PreTokenizers.REGEX_PREFIX + HfPreTokenizerName.QWEN2_REGEX),
                Arguments.of("gpt-2", PreTokenizers.REGEX_PREFIX + HfPreTokenizerName.GPT2_REGEX));
    }

    @ParameterizedTest(name = "{0} lines with {1}")
    @MethodSource("preTokenizers")
    void matchesReferences(String referencePre, String pre) {
        TokenizerSpec smol = SmolLm2Fixture.ggufSpec();
        Tokenizer tokenizer = Tokenizers.create(new TokenizerSpec(smol.model(), pre, smol.tokens(), smol.scores(),
                smol.tokenTypes(), smol.merges(), smol.bosId(), smol.eosId(), smol.extraEosIds(), smol.unknownId(),
                smol.paddingId(), false, false, false));
        MissingBytes missing = new MissingBytes(smol);
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (JsonNode line : lines) {
            if (!line.get("pre").asText().equals(referencePre)) {
                continue;
            }
            checked++;
            String text = line.get("text").asText();
            int[] actual = tokenizer.encode(text, false, false);
            for (String reference : List.of("ids_llamacpp", "ids_hf")) {
                JsonNode expectedNode = line.get(reference);
                if (expectedNode == null || expectedNode.isNull()) {
                    continue;
                }
                int[] ids = new int[expectedNode.size()];
                Arrays.setAll(ids, i -> expectedNode.get(i).asInt());
                // HF writes the unknown token for a byte without a token, llama.cpp and we drop it.
                int[] expected = reference.equals("ids_hf") ? missing.withoutUnknown(ids, text, smol.unknownId()) : ids;
                if (!Arrays.equals(expected, actual)) {
                    failures.add(reference + " " + SmolLm2Fixture.show(text) + "\n  expected " + Arrays.toString(expected)
                            + "\n  actual   " + Arrays.toString(actual));
                }
            }
        }
        assertTrue(checked >= 200, "only " + checked + " strings for " + pre);
        if (!failures.isEmpty()) {
            fail(failures.size() + " mismatches for pre-tokenizer " + pre + ":\n" + String.join("\n", failures));
        }
    }
}
