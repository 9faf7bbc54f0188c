package dev.sparkllm.engine.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkllm.engine.format.GgufTestWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * A ~300-token byte-level BPE vocabulary: the 256 GPT-2 byte symbols, a few dozen merges and four
 * special tokens, written both as a Hugging Face tokenizer.json / tokenizer_config.json and as
 * the tokenizer.ggml.* keys llama.cpp's converter makes from them. The "llama" layout is Llama 3's
 * (Split regex with ignore_merges, BOS added); the other is Qwen 2's (its regex, no BOS).
 */
final class TinyVocabulary {
    static final List<String> SPECIALS = List.of("<|begin_of_text|>", "<|endoftext|>", "<|im_start|>", "<|im_end|>");
    static final String CHAT_TEMPLATE = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + "
            + "message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    static final String EOS = "<|im_end|>";

    /** The regexes exactly as Llama 3's and Qwen 2's tokenizer.json spell them. */
    private static final String LLAMA3_REGEX =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2_REGEX =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /** In byte-level spelling: Ġ is a space, Ċ a newline, "Ã ©" the two bytes of é. */
    private static final List<String> MERGES = List.of(
            "Ġ t", "h e", "i n", "Ġ a", "e r", "o n", "Ġt he", "r e", "a n", "Ġ s", "Ġ w", "o r", "l l", "e n",
            "Ġ h", "i s", "in g", "Ġ o", "Ġ c", "e s", "a t", "o u", "Ġ b", "e d", "Ġ f", "Ġ m", "i t", "Ġ p",
            "l d", "ll o", "Ġw or", "Ġwor ld", "H e", "He llo", "Ġ i", "Ġi n", "1 2", "Ċ Ċ", "Ã ©", "Ġ Ġ");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean llama3;
    private final List<String> tokens = new ArrayList<>();

    TinyVocabulary(boolean llama3) {
        this.llama3 = llama3;
        for (int b = 0; b < 256; b++) tokens.add(String.valueOf(byteSymbol(b)));
        for (String merge : MERGES) {
            String joined = merge.replace(" ", "");
            if (!tokens.contains(joined)) tokens.add(joined);
        }
        tokens.addAll(SPECIALS);
    }

    int size() { return tokens.size(); }

    int id(String token) { return tokens.indexOf(token); }

    String bos() { return llama3 ? "<|begin_of_text|>" : "<|endoftext|>"; }

    boolean addsBos() { return llama3; }

    /** GPT-2's bytes_to_unicode: printable Latin-1 bytes are themselves, the rest go above U+00FF. */
    static char byteSymbol(int b) {
        int shifted = 256;
        for (int x = 0; x < 256; x++) {
            boolean printable = (x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF);
            if (x == b) return printable ? (char) x : (char) shifted;
            if (!printable) shifted++;
        }
        throw new IllegalArgumentException("not a byte: " + b);
    }

    ObjectNode tokenizerJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        ArrayNode added = root.putArray("added_tokens");
        for (String special : SPECIALS) {
            added.addObject().put("id", id(special)).put("content", special).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        steps.addObject().put("type", "Split").put("behavior", "Isolated").put("invert", false)
                .putObject("pattern").put("Regex", llama3 ? LLAMA3_REGEX : QWEN2_REGEX);
        steps.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", false);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model").put("type", "BPE").put("byte_fallback", false).put("ignore_merges", llama3);
        model.putNull("unk_token");
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < tokens.size() - SPECIALS.size(); id++) vocab.put(tokens.get(id), id);
        ArrayNode merges = model.putArray("merges");
        MERGES.forEach(merges::add);
        return root;
    }

    ObjectNode tokenizerConfig() {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("add_bos_token", addsBos()).put("add_eos_token", false)
                .put("bos_token", bos()).put("eos_token", EOS)
                .put("chat_template", CHAT_TEMPLATE).put("tokenizer_class", "PreTrainedTokenizerFast");
        return cfg;
    }

    /**
     * What convert_hf_to_gguf.py's _set_vocab_gpt2 and SpecialVocab write for this tokenizer, with
     * the token list padded to {@code vocabSize} by {@code [PAD<id>]} tokens of type unused, as
     * get_vocab_base pads it to config.json's vocab_size.
     */
    void writeGgufKeys(GgufTestWriter gguf, int vocabSize) {
        List<String> padded = new ArrayList<>(tokens);
        List<Integer> types = new ArrayList<>();
        for (String t : tokens) types.add(SPECIALS.contains(t) ? 3 : 1); // control : normal
        for (int id = tokens.size(); id < vocabSize; id++) {
            padded.add("[PAD" + id + "]");
            types.add(5);
        }
        gguf.putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", llama3 ? "llama-bpe" : "qwen2")
                .putStrings("tokenizer.ggml.tokens", padded)
                .putInt32s("tokenizer.ggml.token_type", types)
                .putStrings("tokenizer.ggml.merges", MERGES)
                .putUint32("tokenizer.ggml.bos_token_id", id(bos()))
                .putUint32("tokenizer.ggml.eos_token_id", id(EOS))
                .putBool("tokenizer.ggml.add_bos_token", addsBos())
                .putBool("tokenizer.ggml.add_eos_token", false)
                .putString("tokenizer.chat_template", CHAT_TEMPLATE);
    }
}
