package dev.sparkllm.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * SentencePiece BPE against a model trained by {@code make_spm_reference.py}: ids from
 * sentencepiece itself, from llama.cpp on the same vocabulary in GGUF form, and from the
 * tokenizer.json transformers made of it.
 */
class SentencePieceReferenceTest {
    private static final String FIXTURE = "/tokenizer-reference/spm-bpe.json";
    private static final String HF_DIR = "/tokenizer-reference/spm-bpe-hf";
    private static final List<String> USER_DEFINED = List.of("<|user|>", "<sep>");

    private static TokenizerSpec spec;
    private static List<Case> cases;

    record Case(String text, int[] idsSentencePiece, int[] idsLlamaCpp, int[] idsHf) {
    }

    @BeforeAll
    static void load() throws IOException {
        JsonNode root;
        try (InputStream in = SentencePieceReferenceTest.class.getResourceAsStream(FIXTURE)) {
            root = new ObjectMapper().readTree(in);
        }
        String[] pieces = new String[root.get("pieces").size()];
        float[] scores = new float[pieces.length];
        int[] types = new int[pieces.length];
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = root.get("pieces").get(i).asText();
            scores[i] = (float) root.get("scores").get(i).asDouble();
            types[i] = root.get("types").get(i).asInt();
        }
        spec = new TokenizerSpec("llama", null, pieces, scores, types, null,
                root.get("bos_id").asInt(), root.get("eos_id").asInt(), new int[0], root.get("unk_id").asInt(), -1,
                true, false, true);
        cases = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            cases.add(new Case(c.get("text").asText(), ints(c.get("ids_sentencepiece")), ints(c.get("ids_llamacpp")), ints(c.get("ids_hf"))));
        }
    }

    @Test
    void matchesLlamaCpp() {
        assertAllMatch(Tokenizers.create(spec), Case::idsLlamaCpp, c -> true, "llama.cpp");
    }

    /**
     * sentencepiece adds the dummy prefix once per text; llama.cpp (and we) once per stretch between
     * split-out tokens, so texts with user-defined symbols differ by design.
     */
    @Test
    void matchesSentencePieceWithoutUserDefinedSymbols() {
        assertAllMatch(Tokenizers.create(spec), Case::idsSentencePiece,
                c -> USER_DEFINED.stream().noneMatch(c.text()::contains), "sentencepiece");
    }

    @Test
    void hfTokenizerJsonMatchesHuggingFace() throws IOException, URISyntaxException {
        Path dir = Path.of(SentencePieceReferenceTest.class.getResource(HF_DIR).toURI());
        TokenizerSpec hfSpec = HfTokenizerJson.load(dir);
        assertEquals("llama", hfSpec.model());
        assertTrue(hfSpec.addSpacePrefix());
        assertEquals(0, hfSpec.unknownId());
        assertEquals(TokenType.BYTE, hfSpec.tokenTypes()[5 + 0x41]);
        assertAllMatch(Tokenizers.create(hfSpec), Case::idsHf, c -> true, "HF tokenizer.json");
    }

    @Test
    void decodeGivesTheTextBack() {
        Tokenizer tokenizer = Tokenizers.create(spec);
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            if (c.text().indexOf('\u2581') >= 0) {
                continue; // a literal ▁ decodes as a space: SentencePiece cannot tell them apart
            }
            String decoded = tokenizer.decode(c.idsLlamaCpp());
            if (!decoded.equals(c.text())) {
                failures.add(SmolLm2Fixture.show(c.text()) + " decoded as " + SmolLm2Fixture.show(decoded));
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " decode mismatches:\n" + String.join("\n", failures));
        }
    }

    @Test
    void bosIsAddedWhenAskedAndTheModelWantsIt() {
        Tokenizer tokenizer = Tokenizers.create(spec);
        int[] ids = tokenizer.encode("hello", true, false);
        assertEquals(1, ids[0]);
        assertEquals("hello", tokenizer.decode(ids).substring("<s>".length()));
    }

    private static void assertAllMatch(Tokenizer tokenizer, java.util.function.Function<Case, int[]> expected,
                                       Predicate<Case> applies, String reference) {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Case c : cases) {
            if (!applies.test(c)) {
                continue;
            }
            checked++;
            int[] actual = tokenizer.encode(c.text(), false, false);
            if (!Arrays.equals(expected.apply(c), actual)) {
                failures.add(SmolLm2Fixture.show(c.text()) + "\n  expected " + Arrays.toString(expected.apply(c))
                        + "\n  actual   " + Arrays.toString(actual));
            }
        }
        assertTrue(checked >= 300, "only " + checked + " cases");
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + checked + " strings differ from " + reference + ":\n" + String.join("\n", failures));
        }
    }

    private static int[] ints(JsonNode array) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = array.get(i).asInt();
        }
        return ids;
    }
}
