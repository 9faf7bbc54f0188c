package dev.sparkllm.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The parts of a Hugging Face {@code tokenizer_config.json} that tokenization and chat need. Every
 * field is optional; absent ones are null.
 *
 * @param bosToken     text of the BOS token
 * @param eosToken     text of the EOS token
 * @param addBos       {@code add_bos_token}, overriding the post-processor's choice
 * @param addEos       {@code add_eos_token}
 * @param chatTemplate the Jinja chat template (a plain string; a list of named templates gives the "default" one)
 */
public record HfTokenizerConfig(String bosToken, String eosToken, Boolean addBos, Boolean addEos, String chatTemplate) {
    public static final String FILE_NAME = "tokenizer_config.json";
    static final HfTokenizerConfig EMPTY = new HfTokenizerConfig(null, null, null, null, null);

    /** The config beside a tokenizer.json (or in a model directory); empty when there is none. */
    public static HfTokenizerConfig findFor(Path tokenizerJsonOrDirectory) throws IOException {
        Path dir = Files.isDirectory(tokenizerJsonOrDirectory) ? tokenizerJsonOrDirectory : tokenizerJsonOrDirectory.toAbsolutePath().getParent();
        Path file = dir == null ? null : dir.resolve(FILE_NAME);
        return file != null && Files.isRegularFile(file) ? read(file) : EMPTY;
    }

    public static HfTokenizerConfig read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        return new HfTokenizerConfig(
                tokenText(root.get("bos_token")),
                tokenText(root.get("eos_token")),
                bool(root.get("add_bos_token")),
                bool(root.get("add_eos_token")),
                chatTemplate(root.get("chat_template")).orElse(null));
    }

    /** A token given as a string or as an AddedToken object {@code {"content": ...}}. */
    private static String tokenText(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        JsonNode content = node.get("content");
        return content != null && content.isTextual() ? content.asText() : null;
    }

    private static Boolean bool(JsonNode node) {
        return node != null && node.isBoolean() ? node.asBoolean() : null;
    }

    private static Optional<String> chatTemplate(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isTextual()) {
            return Optional.of(node.asText());
        }
        if (node.isArray()) {
            for (JsonNode named : node) {
                if ("default".equals(named.path("name").asText()) && named.path("template").isTextual()) {
                    return Optional.of(named.get("template").asText());
                }
            }
        }
        return Optional.empty();
    }
}
