package dev.sparkllm.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Hugging Face {@code tokenizer.json} (with the {@code tokenizer_config.json} beside it, when
 * there is one) into a {@link TokenizerSpec}. Supported: the BPE model, either byte-level (a
 * {@code ByteLevel} pre-tokenizer or decoder: model "gpt2") or SentencePiece-style (▁ for spaces,
 * {@code byte_fallback}: model "llama"), with the pre-tokenizers {@link HfPreTokenizerName} knows,
 * added tokens ({@code special} ones become control tokens, the others user-defined) and the BOS/EOS
 * of a {@code TemplateProcessing} post-processor, which tokenizer_config.json may override.
 *
 * <p>Not carried over: normalizers other than SentencePiece's space handling (llama.cpp ignores
 * them too, e.g. Qwen 2's NFC), and the lstrip/rstrip flags of added tokens.
 */
public final class HfTokenizerJson {
    public static final String FILE_NAME = "tokenizer.json";

    private static final String SPACE_MARK = "\u2581";

    private HfTokenizerJson() {
    }

    /** Reads {@code tokenizer.json} (a file, or a model directory holding one). */
    public static TokenizerSpec load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(FILE_NAME) : path;
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = new ObjectMapper().readTree(in);
        }
        return fromJson(root, HfTokenizerConfig.findFor(file));
    }

    /** The spec of a parsed tokenizer.json, with its tokenizer_config.json (or {@link HfTokenizerConfig#EMPTY}). */
    public static TokenizerSpec fromJson(JsonNode root, HfTokenizerConfig config) {
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText("BPE")) || !model.has("vocab")) {
            throw new IllegalArgumentException("unsupported tokenizer.json model '" + model.path("type").asText() + "' (only BPE)");
        }
        HfVocabulary vocab = new HfVocabulary(model.get("vocab"), root.path("added_tokens"));
        boolean byteLevel = mentionsType(root.path("pre_tokenizer"), "ByteLevel") || mentionsType(root.path("decoder"), "ByteLevel");
        String[] merges = merges(model.path("merges"));
        String[] tokens = vocab.tokens();
        int unknownId = vocab.id(model.path("unk_token").asText(null));
        int[] types = vocab.types(byteLevel, unknownId);

        HfPostProcessor postProcessor = HfPostProcessor.of(root.path("post_processor"), vocab);
        int bosId = config.bosToken() != null ? vocab.id(config.bosToken()) : postProcessor.bosId();
        int eosId = config.eosToken() != null ? vocab.id(config.eosToken()) : postProcessor.eosId();
        boolean addBos = config.addBos() != null ? config.addBos() : postProcessor.addsBos();
        boolean addEos = config.addEos() != null ? config.addEos() : postProcessor.addsEos();

        return new TokenizerSpec(
                byteLevel ? "gpt2" : "llama",
                byteLevel ? HfPreTokenizerName.of(root.path("pre_tokenizer"), model.path("ignore_merges").asBoolean(false)) : null,
                tokens,
                null,
                types,
                merges,
                bosId,
                eosId,
                EndOfGenerationTokens.collect(tokens, eosId),
                unknownId,
                -1,
                addBos,
                addEos,
                !byteLevel && addsDummyPrefix(root));
    }

    /** Merges as "left right" strings, from either "a b" strings or ["a", "b"] pairs. */
    private static String[] merges(JsonNode node) {
        String[] merges = new String[node.size()];
        for (int i = 0; i < merges.length; i++) {
            JsonNode merge = node.get(i);
            merges[i] = merge.isArray() ? merge.get(0).asText() + " " + merge.get(1).asText() : merge.asText();
        }
        return merges;
    }

    /** SentencePiece's dummy prefix: a Prepend("▁") normalizer or a Metaspace that adds one. */
    private static boolean addsDummyPrefix(JsonNode root) {
        List<JsonNode> normalizers = new ArrayList<>();
        collect(root.path("normalizer"), "normalizers", normalizers);
        for (JsonNode n : normalizers) {
            if ("Prepend".equals(type(n)) && SPACE_MARK.equals(n.path("prepend").asText())) {
                return true;
            }
        }
        List<JsonNode> preTokenizers = new ArrayList<>();
        collect(root.path("pre_tokenizer"), "pretokenizers", preTokenizers);
        for (JsonNode p : preTokenizers) {
            if ("Metaspace".equals(type(p))) {
                String scheme = p.path("prepend_scheme").asText(p.path("add_prefix_space").asBoolean(true) ? "always" : "never");
                return !"never".equals(scheme);
            }
        }
        return false;
    }

    /** The nodes of a (possibly nested) {@code Sequence}, in order. */
    static void collect(JsonNode node, String childrenField, List<JsonNode> out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if ("Sequence".equals(type(node))) {
            for (JsonNode child : node.path(childrenField)) {
                collect(child, childrenField, out);
            }
        } else {
            out.add(node);
        }
    }

    private static boolean mentionsType(JsonNode node, String type) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return false;
        }
        if (type.equals(type(node))) {
            return true;
        }
        for (JsonNode child : node) {
            if (child.isContainerNode() && mentionsType(child, type)) {
                return true;
            }
        }
        return false;
    }

    /** A tokenizer.json component's {@code type}, or "". */
    static String type(JsonNode node) {
        return node.path("type").asText("");
    }
}
