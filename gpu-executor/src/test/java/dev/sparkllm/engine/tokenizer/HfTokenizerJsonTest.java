package dev.sparkllm.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * tokenizer.json loading, on the file transformers made from the SmolLM2 GGUF (committed gzipped;
 * its pre-tokenizer is plain ByteLevel, so its ids are the reference's ids_hf) and on the same
 * file edited to SmolLM2's published pre-tokenizer (Digits then ByteLevel: ids_hf_digits).
 */
class HfTokenizerJsonTest {
    private static JsonNode convertedJson;
    private static List<SmolLm2Fixture.Case> cases;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = new GZIPInputStream(HfTokenizerJsonTest.class.getResourceAsStream(SmolLm2Fixture.HF_TOKENIZER_JSON_GZ))) {
            convertedJson = new ObjectMapper().readTree(in);
        }
        cases = SmolLm2Fixture.cases();
    }

    @Test
    void convertedFileMatchesHuggingFace() throws IOException {
        Path file = write(convertedJson);
        TokenizerSpec spec = HfTokenizerJson.load(file);
        assertEquals("gpt2", spec.model());
        assertEquals("gpt-2", spec.preTokenizer());
        assertEquals(49152, spec.tokens().length);
        assertEquals(48900, spec.merges().length);
        assertEquals(TokenType.CONTROL, spec.tokenTypes()[2]);
        // The converter's post-processor puts <|im_start|> first: it is taken as BOS.
        assertEquals(1, spec.bosId());
        assertTrue(spec.addBos());
        MissingBytes missing = new MissingBytes(spec);
        assertAllMatch(Tokenizers.create(spec), c -> missing.withoutUnknown(c.idsHf(), c.text(), spec.unknownId()),
                "HF (GGUF conversion), less the unknown tokens it writes for bytes without a token");
    }

    @Test
    void smolLm2PreTokenizerMatchesLlamaCpp() throws IOException {
        ObjectNode edited = convertedJson.deepCopy();
        ObjectMapper json = new ObjectMapper();
        edited.set("pre_tokenizer", json.readTree("""
                {"type": "Sequence", "pretokenizers": [
                  {"type": "Digits", "individual_digits": true},
                  {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}]}"""));
        // Merges as "a b" strings, the older tokenizer.json form.
        ArrayNode stringMerges = json.createArrayNode();
        edited.path("model").path("merges").forEach(pair -> stringMerges.add(pair.get(0).asText() + " " + pair.get(1).asText()));
        ((ObjectNode) edited.get("model")).set("merges", stringMerges);
        TokenizerSpec spec = HfTokenizerJson.load(write(edited));
        assertEquals("smollm", spec.preTokenizer());
        assertAllMatch(Tokenizers.create(spec), SmolLm2Fixture.Case::idsLlamaCpp, "llama.cpp");
    }

    @Test
    void tokenizerConfigOverridesBosEosAndCarriesTheChatTemplate() throws IOException {
        write(convertedJson);
        Files.writeString(dir.resolve(HfTokenizerConfig.FILE_NAME), """
                {"bos_token": {"content": "<|im_start|>"}, "eos_token": "<|im_end|>",
                 "add_bos_token": false, "chat_template": "{{ messages }}"}""");
        TokenizerSpec spec = HfTokenizerJson.load(dir);
        assertEquals(1, spec.bosId());
        assertEquals(2, spec.eosId());
        assertFalse(spec.addBos());
        assertTrue(Arrays.stream(spec.extraEosIds()).anyMatch(id -> id == 0), "<|endoftext|> also ends generation");
        HfTokenizerConfig config = HfTokenizerConfig.findFor(dir);
        assertEquals("{{ messages }}", config.chatTemplate());
        assertNull(config.addEos());
    }

    @Test
    void splitRegexesAreNamedOrCarried() {
        assertEquals("llama-bpe", HfPreTokenizerName.of(split(HfPreTokenizerName.LLAMA3_REGEX), true));
        assertEquals("qwen2", HfPreTokenizerName.of(split(HfPreTokenizerName.QWEN2_REGEX), false));
        assertEquals("gpt-2", HfPreTokenizerName.of(split(HfPreTokenizerName.GPT2_REGEX), false));
        assertEquals("regex:\\p{L}+|\\s+", HfPreTokenizerName.of(split("\\p{L}+|\\s+"), false));
        JsonNode metaspaceOnly = new ObjectMapper().createObjectNode().put("type", "Whitespace");
        assertThrows(IllegalArgumentException.class, () -> HfPreTokenizerName.of(metaspaceOnly, false));
    }

    @Test
    void unsupportedModelIsRejected() throws IOException {
        JsonNode wordPiece = new ObjectMapper().readTree("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}");
        assertThrows(IllegalArgumentException.class, () -> HfTokenizerJson.fromJson(wordPiece, HfTokenizerConfig.EMPTY));
    }

    @Test
    void mergesAsPairsAndAsStringsGiveTheSameSpec() throws IOException {
        ObjectNode pairs = new ObjectMapper().readTree("""
                {"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "Ġ": 3}, "merges": [["a", "b"]]},
                 "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true}}""").deepCopy();
        TokenizerSpec fromPairs = HfTokenizerJson.fromJson(pairs, HfTokenizerConfig.EMPTY);
        ((ObjectNode) pairs.get("model")).set("merges", new ObjectMapper().readTree("[\"a b\"]"));
        TokenizerSpec fromStrings = HfTokenizerJson.fromJson(pairs, HfTokenizerConfig.EMPTY);
        assertArrayEquals(fromPairs.merges(), fromStrings.merges());
        assertArrayEquals(new int[] {2, 3, 2}, Tokenizers.create(fromStrings).encode("ab ab", false, false));
    }

    private static JsonNode split(String regex) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode split = json.createObjectNode().put("type", "Split").put("behavior", "Isolated").put("invert", false);
        split.set("pattern", json.createObjectNode().put("Regex", regex));
        ObjectNode byteLevel = json.createObjectNode().put("type", "ByteLevel").put("add_prefix_space", false).put("use_regex", false);
        ObjectNode sequence = json.createObjectNode().put("type", "Sequence");
        sequence.set("pretokenizers", json.createArrayNode().add(split).add(byteLevel));
        return sequence;
    }

    private Path write(JsonNode tokenizerJson) throws IOException {
        Path file = dir.resolve(HfTokenizerJson.FILE_NAME);
        new ObjectMapper().writeValue(file.toFile(), tokenizerJson);
        return file;
    }

    private static void assertAllMatch(Tokenizer tokenizer, Function<SmolLm2Fixture.Case, int[]> expectedIds, String reference) {
        List<String> failures = new ArrayList<>();
        for (SmolLm2Fixture.Case c : cases) {
            int[] expected = expectedIds.apply(c);
            int[] actual = tokenizer.encode(c.text(), false, c.parseSpecial());
            if (!Arrays.equals(expected, actual)) {
                failures.add("line " + c.line() + " " + SmolLm2Fixture.show(c.text())
                        + "\n  expected " + Arrays.toString(expected) + "\n  actual   " + Arrays.toString(actual));
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cases.size() + " strings differ from " + reference + ":\n" + String.join("\n", failures));
        }
    }
}
