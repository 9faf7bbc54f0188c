package dev.sparkllm.engine.tokenizer;

import dev.sparkllm.engine.testutil.TestModels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkllm.engine.format.GgufFile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/** The SmolLM2 GGUF model and the committed tokenizer references made from it. */
final class SmolLm2Fixture {
    static final String REFERENCE = "/tokenizer-reference/smollm2.jsonl";
    static final String HF_TOKENIZER_JSON_GZ = "/tokenizer-reference/smollm2-hf-tokenizer.json.gz";

    private static TokenizerSpec spec;

    /** One line of the reference file. */
    record Case(int line, String text, boolean parseSpecial, int[] idsLlamaCpp, int[] idsHf, int[] idsHfDigits) {
    }

    private SmolLm2Fixture() {
    }

    /** The model file (see {@link TestModels#defaultModelPath()}). */
    static Path modelPath() {
        return TestModels.defaultModelPath();
    }

    /** The tokenizer spec of the model file, read once per test JVM. */
    static synchronized TokenizerSpec ggufSpec() {
        if (spec == null) {
            Path path = modelPath();
            try (GgufFile gguf = GgufFile.open(path)) {
                spec = GgufTokenizerSpecs.fromGguf(gguf);
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the tokenizer of " + path, e);
            }
        }
        return spec;
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = SmolLm2Fixture.class.getResourceAsStream(REFERENCE)) {
            if (in == null) {
                fail("missing test resource " + REFERENCE);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            int lineNo = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                lineNo++;
                JsonNode node = json.readTree(line);
                cases.add(new Case(lineNo, node.get("text").asText(), node.get("parse_special").asBoolean(),
                        ints(node.get("ids_llamacpp")), ints(node.get("ids_hf")), ints(node.get("ids_hf_digits"))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    private static int[] ints(JsonNode array) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = array.get(i).asInt();
        }
        return ids;
    }

    /** A readable form of a text for failure messages: escapes and a length cap. */
    static String show(String text) {
        StringBuilder sb = new StringBuilder("\"");
        text.codePoints().limit(80).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && !Character.isLetterOrDigit(cp) && !Character.isWhitespace(cp) && cp > 0xFF)) {
                sb.append(String.format("\\u{%X}", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        if (text.codePointCount(0, text.length()) > 80) {
            sb.append("...(").append(text.length()).append(" chars)");
        }
        return sb.append('"').toString();
    }
}
