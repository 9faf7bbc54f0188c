package dev.sparkllm.engine.chat;

import dev.sparkllm.engine.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Turns a request (a raw prompt or a list of messages, a chat flag, an optional system prompt) into the
 * text to tokenize and how to tokenize it.
 *
 * <ul>
 *   <li><b>chat off, raw prompt:</b> the prompt itself (after the system prompt and a blank line, if one
 *       is given), tokenized with special tokens <em>not</em> parsed: text written by a user is data, so
 *       {@code <|im_start|>} in it stays plain text. Callers who pre-format prompts with special tokens
 *       should send messages with chat on instead.</li>
 *   <li><b>chat off, messages:</b> the contents joined by blank lines, same rule.</li>
 *   <li><b>chat on:</b> the model's chat template rendered with {@code add_generation_prompt=true}; a raw
 *       prompt becomes one user message, the system prompt a leading system message (unless the
 *       messages already start with one). The template's own special tokens are parsed; special tokens
 *       inside user-supplied strings are not (see {@link SpecialTokenMarks}).</li>
 *   <li><b>chat on, model without a template:</b> ChatML ({@link ChatTemplate#CHATML_SOURCE}) is used and
 *       {@link FormattedPrompt#usedFallbackTemplate()} says so. Its {@code <|im_start|>} markers are real
 *       special tokens only for models that have them; for others they are text the model may not know.</li>
 * </ul>
 */
public final class PromptFormatter {

    private final ChatTemplate template;
    private final boolean fallback;
    private final SpecialTokenMarks marks;

    /**
     * @param template      the model's chat template, or null if it has none
     * @param bosToken      BOS text (for the fallback template and BOS de-duplication), or null
     * @param eosToken      EOS text (for the fallback template), or null
     * @param specialTokens the texts of the model's special tokens, which users must not be able to inject
     */
    public PromptFormatter(ChatTemplate template, String bosToken, String eosToken, Collection<String> specialTokens) {
        this.fallback = template == null;
        this.template = template != null ? template : new ChatTemplate(ChatTemplate.CHATML_SOURCE, bosToken, eosToken);
        this.marks = new SpecialTokenMarks(Objects.requireNonNull(specialTokens, "specialTokens"));
    }

    /** A formatter whose BOS/EOS and special-token texts come from the model's tokenizer. */
    public static PromptFormatter forTokenizer(ChatTemplate template, Tokenizer tokenizer) {
        List<String> specials = new ArrayList<>();
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            if (tokenizer.isSpecial(id)) specials.add(tokenText(tokenizer, id));
        }
        String bos = tokenizer.bosId() >= 0 ? tokenText(tokenizer, tokenizer.bosId()) : null;
        int[] eos = tokenizer.eosIds();
        return new PromptFormatter(template, bos, eos.length > 0 ? tokenText(tokenizer, eos[0]) : null, specials);
    }

    private static String tokenText(Tokenizer tokenizer, int id) {
        return new String(tokenizer.tokenBytes(id), StandardCharsets.UTF_8);
    }

    /** True when the model has no chat template and chat requests fall back to ChatML. */
    public boolean usesFallbackTemplate() {
        return fallback;
    }

    /**
     * The prompt in the model's chat template when {@code chat}, or as raw text; {@code parseSpecial}
     * says whether special-token strings in raw text become special tokens (it does not apply to a
     * chat prompt, whose user content is never parsed).
     */
    public FormattedPrompt format(String prompt, boolean chat, String systemPrompt, boolean parseSpecial) {
        Objects.requireNonNull(prompt, "prompt");
        if (!chat) return plain(systemPrompt == null ? prompt : systemPrompt + "\n\n" + prompt, parseSpecial);
        return chat(List.of(ChatMessage.user(prompt)), systemPrompt);
    }

    /** Messages in the chat template, or their contents joined as raw text (see the String overload). */
    public FormattedPrompt format(List<ChatMessage> messages, boolean chat, String systemPrompt, boolean parseSpecial) {
        Objects.requireNonNull(messages, "messages");
        if (!chat) {
            List<String> parts = new ArrayList<>();
            if (systemPrompt != null) parts.add(systemPrompt);
            for (ChatMessage m : messages) if (m.content() != null) parts.add(m.content());
            return plain(String.join("\n\n", parts), parseSpecial);
        }
        return chat(messages, systemPrompt);
    }

    private static FormattedPrompt plain(String text, boolean parseSpecial) {
        return new FormattedPrompt(List.of(new FormattedPrompt.Segment(text, parseSpecial)), true, false);
    }

    private FormattedPrompt chat(List<ChatMessage> messages, String systemPrompt) {
        List<ChatMessage> marked = new ArrayList<>(messages.size() + 1);
        boolean hasSystem = !messages.isEmpty() && messages.get(0).role().equals("system");
        if (systemPrompt != null && !hasSystem) marked.add(ChatMessage.system(marks.mark(systemPrompt)));
        for (ChatMessage m : messages) marked.add(new ChatMessage(marks.mark(m.role()), marks.mark(m.content())));
        String rendered = template.render(marked, true);
        List<FormattedPrompt.Segment> segments = SpecialTokenMarks.split(rendered);
        // Templates that write {{ bos_token }} themselves must not get a second BOS from the tokenizer.
        String bos = template.bosToken();
        boolean addBos = bos.isEmpty() || !rendered.startsWith(bos);
        return new FormattedPrompt(segments, addBos, fallback);
    }
}
