package dev.sparkllm.engine.tokenizer;

import java.util.List;
import java.util.Locale;

/**
 * The pre-tokenizer for a GGUF {@code tokenizer.ggml.pre} name, with the same regex sets as
 * llama.cpp's {@code llm_tokenizer_bpe}. A name of the form {@code "regex:<pattern>"} (what
 * {@link HfTokenizerJson} produces for a {@code Split} regex it does not recognise) splits with
 * that pattern and then with nothing else.
 */
final class PreTokenizers {
    /** Prefix of a pre-tokenizer name that carries its own split regex. */
    static final String REGEX_PREFIX = "regex:";


    private PreTokenizers() {
    }

    static PreTokenizer forName(String name) {
        if (name == null || name.isEmpty()) {
            return llamaCppDefault();
        }
        if (name.startsWith(REGEX_PREFIX)) {
            return new RegexPreTokenizer(name.substring(REGEX_PREFIX.length()));
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "default" -> llamaCppDefault();
            case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b" ->
                    new ChainedPreTokenizer(List.of(DigitIsolatingPreTokenizer.INSTANCE, Gpt2PreTokenizer.INSTANCE));
            case "gpt-2", "gpt2", "phi-2", "mpt", "olmo", "jais", "trillion", "exaone4", "roberta-bpe" ->
                    Gpt2PreTokenizer.INSTANCE;
            case "llama3", "llama-v3", "llama-bpe", "falcon3", "dbrx", "smaug-bpe", "chatglm-bpe", "glm4" ->
                    Llama3PreTokenizer.LLAMA3;
            case "qwen2", "deepseek-r1-qwen", "stablelm2", "megrez", "hunyuan" -> Llama3PreTokenizer.QWEN2;
            default -> throw new IllegalArgumentException("unknown pre-tokenizer '" + name + "'");
        };
    }

    /** Whether llama.cpp looks a whole pre-token up in the vocabulary before merging (Llama 3 style). */
    static boolean ignoresMerges(String name) {
        if (name == null) {
            return false;
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "llama3", "llama-v3", "llama-bpe", "falcon3" -> true;
            default -> false;
        };
    }

    /** llama.cpp's "default" regex set, used for GGUF files without a pre-tokenizer name. */
    private static PreTokenizer llamaCppDefault() {
        return new ChainedPreTokenizer(List.of(
                new RegexPreTokenizer("[\\p{P}\\$\\+<=>\\^~\\|]+"),
                Gpt2PreTokenizer.INSTANCE,
                new RegexPreTokenizer("\\p{N}+"),
                new RegexPreTokenizer("[0-9][0-9][0-9]")));
    }
}
