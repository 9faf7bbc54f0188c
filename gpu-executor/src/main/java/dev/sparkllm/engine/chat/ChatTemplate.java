package dev.sparkllm.engine.chat;

import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.interpret.errorcategory.BasicTemplateErrorCategory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A model's chat template (GGUF {@code tokenizer.chat_template} or tokenizer_config.json
 * {@code chat_template}), rendered the way transformers' {@code apply_chat_template} renders it, in a
 * sandbox with time and size limits.
 *
 * <p>The template sees {@code messages}, {@code add_generation_prompt}, {@code bos_token},
 * {@code eos_token}, {@code tools} (when given) and any extra variables. Rendering is thread-safe.
 *
 * <p>Template code is rewritten before jinjava parses it where jinjava reads valid jinja2 differently
 * ({@link TemplateRewriter}), and Python's str/dict methods, filters and printing are reimplemented; the
 * result matches transformers byte for byte on the reference templates (ChatTemplateReferenceTest).
 *
 * <p>Known differences from jinja2. These fail loudly: string repetition ({@code '-' * 3}),
 * {@code str.format}, recursive for-loops, and EL keywords used as names ({@code x.empty},
 * {@code div}, {@code mod}, {@code eq}, {@code ne}, {@code lt}, {@code gt}, {@code le}, {@code ge},
 * {@code instanceof}). These render differently: None prints as an empty string (jinjava cannot tell
 * None from undefined; jinja2 prints "None"), tuples print as lists, and {@code ~} prints booleans in
 * lower case.
 *
 * <p>Sandbox: see {@link SandboxedJinja} and {@link SandboxResolver}; limits in {@link ChatTemplateLimits}.
 */
public final class ChatTemplate {

    /**
     * ChatML, the fallback when a model ships no template: the format of Qwen, SmolLM and many
     * fine-tunes, and the OpenAI convention, so it is the likeliest to mean something to an unknown model.
     */
    public static final String CHATML_SOURCE = "{% for message in messages %}"
            + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    // jinjava exposes its interpreter under this name; a template has no business naming it.
    private static final String JINJAVA_INTERPRETER_NAME = "____int3rpr3t3r____";
    private static final Pattern NEWLINE = Pattern.compile("\r\n|\r|\n");

    private final String source;
    private final String rewrittenSource;
    private final String bosToken;
    private final String eosToken;
    private final ChatTemplateLimits limits;
    private final Clock clock;
    private final SandboxedJinja engine;

    public ChatTemplate(String source, String bosToken, String eosToken) {
        this(source, bosToken, eosToken, ChatTemplateLimits.DEFAULT, Clock.systemDefaultZone());
    }

    /**
     * @param source   the template text
     * @param bosToken the model's BOS token text, or null when it has none (templates then see "")
     * @param eosToken the model's EOS token text, or null
     * @param limits   time and size bounds of each render
     * @param clock    what {@code strftime_now} reads
     * @throws ChatTemplateException if the template is too large or does not parse
     */
    public ChatTemplate(String source, String bosToken, String eosToken, ChatTemplateLimits limits, Clock clock) {
        Objects.requireNonNull(source, "source");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (source.length() > limits.maxTemplateChars()) {
            throw new ChatTemplateException("chat template is " + source.length() + " characters, over the limit of "
                    + limits.maxTemplateChars());
        }
        if (source.contains(JINJAVA_INTERPRETER_NAME)) {
            throw new ChatTemplateException("chat template refers to the engine's internal name " + JINJAVA_INTERPRETER_NAME);
        }
        this.source = source;
        this.rewrittenSource = TemplateRewriter.rewrite(normalizeNewlines(source));
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
        this.engine = new SandboxedJinja(limits);
        WarmUp.once();
    }

    /**
     * The first render in a JVM loads and JIT-compiles much of jinjava and can take a second by itself;
     * that must not count against a request's time limit, so a representative template is rendered once,
     * with a generous limit, when the first ChatTemplate is built.
     */
    private static final class WarmUp {
        private static final String TEMPLATE = "{% set ns = namespace(n=0) %}{% for m in messages if m.role %}"
                + "{% set ns.n = ns.n + 1 %}{{ m['role'].upper() + m.content[1:]|trim }}{{ m|tojson }}{% endfor %}"
                + "{% if not add_generation_prompt is defined %}{{ raise_exception('unreachable') }}{% endif %}";
        private static volatile boolean done;

        static synchronized void once() {
            if (done) return;
            done = true;
            ChatTemplateLimits generous = ChatTemplateLimits.DEFAULT.withTimeout(java.time.Duration.ofSeconds(30));
            new ChatTemplate(TEMPLATE, null, null, generous, Clock.systemUTC())
                    .render(List.of(ChatMessage.user("warm up")), true);
        }
    }

    /** The template text as given. */
    public String source() {
        return source;
    }

    public String bosToken() {
        return bosToken;
    }

    public String eosToken() {
        return eosToken;
    }

    /** Renders a plain conversation. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Map<String, ?>> maps = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) maps.add(m.toTemplateValue());
        return render(maps, null, addGenerationPrompt, Map.of());
    }

    /**
     * Renders messages in OpenAI/transformers form (maps with role, content, tool_calls, tool_call_id...),
     * optionally with tool schemas and extra template variables (e.g. {@code enable_thinking},
     * {@code date_string}).
     *
     * @param tools null when the request has no tools (templates then take their no-tools branch)
     * @throws ChatTemplateException on template errors, {@code raise_exception}, sandbox violations,
     *                               or when the time or size limits are exceeded
     */
    public String render(List<? extends Map<String, ?>> messages, List<? extends Map<String, ?>> tools,
                         boolean addGenerationPrompt, Map<String, ?> extraVariables) {
        Map<String, Object> bindings = new HashMap<>();
        if (extraVariables != null) extraVariables.forEach((k, v) -> bindings.put(k, TemplateData.plain(v)));
        List<Object> plainMessages = new ArrayList<>(messages.size());
        for (Map<String, ?> m : messages) plainMessages.add(TemplateData.message(m));
        bindings.put("messages", plainMessages);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        bindings.put("bos_token", bosToken);
        bindings.put("eos_token", eosToken);
        if (tools != null) bindings.put("tools", TemplateData.plain(tools));

        RenderGuard guard = new RenderGuard(limits, clock);
        RenderResult result = TemplateRunner.run(guard, () -> engine.render(rewrittenSource, bindings));
        throwFirstFailure(result.getErrors(), guard);
        String output = result.getOutput();
        if (output.length() > limits.maxOutputChars()) {
            throw new ChatTemplateException("chat template output is " + output.length()
                    + " characters, over the limit of " + limits.maxOutputChars());
        }
        return output;
    }

    /**
     * jinjava records most failures and keeps rendering; ours (raise_exception, sandbox, limits) are in the
     * guard. Whichever happened first is the one to report, since later ones are usually its fallout.
     */
    private static void throwFirstFailure(List<TemplateError> errors, RenderGuard guard) {
        for (int i = 0; i < errors.size(); i++) {
            TemplateError error = errors.get(i);
            if (guard.failure() != null && i >= guard.jinjavaErrorsAtFailure()) break;
            if (isFatal(error)) {
                throw new ChatTemplateException("chat template error at line " + error.getLineno() + ": "
                        + error.getMessage());
            }
        }
        if (guard.failure() != null) throw new ChatTemplateException(guard.failure());
    }

    /**
     * Errors that make jinja2 fail. jinjava reports runaway macro recursion only as a warning (and renders
     * nothing for the call); Python raises, so it is fatal here.
     */
    private static boolean isFatal(TemplateError error) {
        return error.getSeverity() == TemplateError.ErrorType.FATAL
                || error.getCategory() == BasicTemplateErrorCategory.CYCLE_DETECTED;
    }

    /**
     * jinja2 reads a template with every line break as "\n" and, by default, without its final newline
     * (keep_trailing_newline=False). Done on the source, before parsing, exactly as jinja2's lexer does.
     */
    static String normalizeNewlines(String source) {
        String normalized = NEWLINE.matcher(source).replaceAll("\n");
        return normalized.endsWith("\n") ? normalized.substring(0, normalized.length() - 1) : normalized;
    }
}
