package dev.sparkllm.engine.runtime;

import dev.sparkllm.engine.chat.ChatTemplate;
import dev.sparkllm.engine.chat.ChatTemplateException;
import dev.sparkllm.engine.chat.FormattedPrompt;
import dev.sparkllm.engine.chat.PromptFormatter;
import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.tokenizer.Tokenizer;

/**
 * Turns a request into prompt token ids, or into the reason it cannot run. Every check that can
 * fail for one row happens here, before the row takes any engine memory, so a bad row becomes an
 * error result and the rest of the batch goes on.
 */
public final class PromptPreparer {
    /** The prompt's token ids, or why the request cannot run (tokens may still be set, e.g. too long). */
    public record Prepared(int[] tokens, String error) {
        static Prepared failed(String error) { return new Prepared(null, error); }
    }

    private final Tokenizer tokenizer;
    private final PromptFormatter formatter;
    private final int maxContext;

    PromptPreparer(LoadedModel model, int maxContext) {
        this.tokenizer = model.tokenizer();
        ChatTemplate template = model.chatTemplate() == null ? null
                : new ChatTemplate(model.chatTemplate(), model.bosText(), model.eosText());
        this.formatter = PromptFormatter.forTokenizer(template, tokenizer);
        this.maxContext = maxContext;
    }

    Prepared prepare(GenerationRequest r) {
        if (r.params() == null) return Prepared.failed("sampling parameters are missing");
        String invalid = r.params().validationError();
        if (invalid != null) return Prepared.failed("invalid parameter: " + invalid);
        int[] tokens;
        try {
            tokens = tokenize(r);
        } catch (ChatTemplateException e) {
            return Prepared.failed("chat template failed: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return Prepared.failed(e.getMessage());
        }
        if (tokens == null) return Prepared.failed("prompt is null");
        if (tokens.length == 0) return Prepared.failed("prompt is empty");
        if (tokens.length >= maxContext) {
            return new Prepared(tokens, "prompt has " + tokens.length + " tokens but the context holds "
                    + maxContext + " (at least one must be left for output)");
        }
        return new Prepared(tokens, null);
    }

    private int[] tokenize(GenerationRequest r) {
        if (r.promptTokens() != null) {
            for (int id : r.promptTokens()) {
                if (id < 0 || id >= tokenizer.vocabSize()) {
                    throw new IllegalArgumentException("prompt token id " + id + " is outside the vocabulary [0, " + tokenizer.vocabSize() + ")");
                }
            }
            return r.promptTokens().clone();
        }
        boolean chat = r.chat() != null ? r.chat() : !formatter.usesFallbackTemplate();
        String system = chat ? r.system() : null;
        if (r.messages() != null) {
            if (r.messages().isEmpty()) return new int[0];
            return encode(formatter.format(r.messages(), chat, system, r.parsesSpecialTokens()));
        }
        if (r.prompt() == null) return null;
        if (r.prompt().isEmpty()) return new int[0];
        return encode(formatter.format(r.prompt(), chat, system, r.parsesSpecialTokens()));
    }

    private int[] encode(FormattedPrompt prompt) {
        return prompt.encode(tokenizer);
    }
}
