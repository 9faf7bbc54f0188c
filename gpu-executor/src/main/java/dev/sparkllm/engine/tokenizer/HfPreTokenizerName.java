package dev.sparkllm.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@link PreTokenizers} name of a byte-level tokenizer.json's {@code pre_tokenizer}: GPT-2
 * ({@code ByteLevel} with its regex), SmolLM ({@code Digits} then {@code ByteLevel}), or a
 * {@code Split} regex before a regex-less {@code ByteLevel}, named when it is Llama 3's (with
 * {@code ignore_merges}), Qwen 2's or GPT-2's and carried as {@code "regex:<pattern>"} otherwise.
 */
final class HfPreTokenizerName {
    static final String LLAMA3_REGEX =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2_REGEX =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String GPT2_REGEX =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private HfPreTokenizerName() {
    }

    /**
     * @param preTokenizer the {@code pre_tokenizer} node (a {@code Sequence} is flattened)
     * @param ignoreMerges the BPE model's {@code ignore_merges}
     * @throws IllegalArgumentException for a pre-tokenizer layout we cannot reproduce
     */
    static String of(JsonNode preTokenizer, boolean ignoreMerges) {
        List<JsonNode> steps = new ArrayList<>();
        HfTokenizerJson.collect(preTokenizer, "pretokenizers", steps);
        if (steps.size() == 1 && isByteLevel(steps.get(0), true)) {
            return "gpt-2";
        }
        if (steps.size() == 2 && isIndividualDigits(steps.get(0)) && isByteLevel(steps.get(1), true)) {
            return "smollm";
        }
        if (steps.size() == 2 && isByteLevel(steps.get(1), false) && "Split".equals(HfTokenizerJson.type(steps.get(0)))) {
            String regex = splitRegex(steps.get(0));
            if (regex.equals(LLAMA3_REGEX) && ignoreMerges) {
                return "llama-bpe"; // Llama 3 also takes a piece that is a token whole (ignore_merges)
            }
            if (regex.equals(QWEN2_REGEX)) {
                return "qwen2";
            }
            if (regex.equals(GPT2_REGEX)) {
                return "gpt-2";
            }
            return PreTokenizers.REGEX_PREFIX + regex;
        }
        throw new IllegalArgumentException("unsupported pre_tokenizer " + preTokenizer);
    }

    private static String splitRegex(JsonNode split) {
        String behavior = split.path("behavior").asText("Isolated");
        if (!"Isolated".equals(behavior) || split.path("invert").asBoolean(false)) {
            throw new IllegalArgumentException("unsupported Split pre-tokenizer: behavior " + behavior
                    + ", invert " + split.path("invert").asBoolean(false));
        }
        JsonNode pattern = split.path("pattern");
        return pattern.has("Regex") ? pattern.get("Regex").asText() : Pattern.quote(pattern.path("String").asText());
    }

    private static boolean isByteLevel(JsonNode step, boolean withRegex) {
        if (!"ByteLevel".equals(HfTokenizerJson.type(step))) {
            return false;
        }
        if (step.path("add_prefix_space").asBoolean(false)) {
            throw new IllegalArgumentException("unsupported ByteLevel pre-tokenizer with add_prefix_space");
        }
        return step.path("use_regex").asBoolean(true) == withRegex;
    }

    private static boolean isIndividualDigits(JsonNode step) {
        return "Digits".equals(HfTokenizerJson.type(step)) && step.path("individual_digits").asBoolean(false);
    }
}
