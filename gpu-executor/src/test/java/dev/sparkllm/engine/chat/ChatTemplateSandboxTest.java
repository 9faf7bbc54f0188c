package dev.sparkllm.engine.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hostile templates: every way a template from a model file could hang the engine, exhaust memory,
 * reach Java objects or read files must end in a ChatTemplateException, quickly.
 */
class ChatTemplateSandboxTest {

    private static final List<ChatMessage> MESSAGES = List.of(ChatMessage.user("hi"));
    private static final ChatTemplateLimits FAST = ChatTemplateLimits.DEFAULT.withTimeout(Duration.ofMillis(300));

    // Size bombs are tested with time to spare, so that it is the size limit that stops them.
    private static final ChatTemplateLimits ROOMY = ChatTemplateLimits.DEFAULT.withTimeout(Duration.ofSeconds(5));

    private static ChatTemplateException failure(String source) {
        return failure(source, FAST);
    }

    private static ChatTemplateException failure(String source, ChatTemplateLimits limits) {
        ChatTemplate template = new ChatTemplate(source, "<s>", "</s>", limits, Clock.systemUTC());
        long start = System.nanoTime();
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> template.render(MESSAGES, true));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < limits.timeout().toMillis() + 2_000, "took " + millis + " ms to fail: " + e.getMessage());
        return e;
    }

    private static void assertFailsMentioning(String source, String fragment) {
        assertFailsMentioning(source, fragment, FAST);
    }

    private static void assertFailsMentioning(String source, String fragment, ChatTemplateLimits limits) {
        String message = failure(source, limits).getMessage();
        assertTrue(message.contains(fragment), "expected '" + fragment + "' in: " + message);
    }

    @Test
    void hugeRangeIsRefusedLikeJinjasSandbox() {
        assertFailsMentioning("{% for i in range(10**9) %}x{% endfor %}", "range too big");
    }

    @Test
    void nestedLoopsStopAtTheTimeLimit() {
        assertFailsMentioning("{% for i in range(100000) %}{% for j in range(100000) %}{% for k in range(100000) %}"
                + "{% endfor %}{% endfor %}{% endfor %}", "time limit");
    }

    @Test
    void expressionOnlyLoopsAlsoStopAtTheTimeLimit() {
        assertFailsMentioning("{% for i in range(100000) %}{% for j in range(100000) %}{% set x = i * j %}"
                + "{% endfor %}{% endfor %}", "time limit");
    }

    @Test
    void unboundedMacroRecursionFails() {
        // The depth limit normally stops it; on a loaded machine the time limit may come first.
        String message = failure("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", FAST).getMessage();
        assertTrue(message.contains("recursion") || message.contains("time limit"), message);
    }

    @Test
    void boundedMacroRecursionWorks() {
        ChatTemplate t = new ChatTemplate("{% macro f(n) %}{{ n }}{% if n > 0 %}{{ f(n - 1) }}{% endif %}{% endmacro %}"
                + "{{ f(5) }}", null, null);
        assertEquals("543210", t.render(MESSAGES, false));
    }

    @Test
    void hugeStringRepetitionFails() {
        failure("{{ 'a' * 10**9 }}");
    }

    @Test
    void outputBombsHitTheSizeLimit() {
        assertFailsMentioning("{% for i in range(100000) %}{{ 'xxxxxxxxxxxxxxxxxxxx' }}{% endfor %}", "over limit", ROOMY);
        assertFailsMentioning("{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
                + "{% endfor %}{{ ns.s }}", "over limit", ROOMY);
        assertFailsMentioning("{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}"
                + "{% endfor %}{{ ns.s }}", "over limit", ROOMY);
        assertFailsMentioning("{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(64) %}"
                + "{% set ns.s = ns.s.replace('x', 'xx') %}{% endfor %}{{ ns.s }}", "over the limit", ROOMY);
        assertFailsMentioning("{{ 'x'|center(10**9) }}", "larger than the chat template output limit", ROOMY);
        assertFailsMentioning("{{ 'x'|indent(10**9) }}", "larger than the chat template output limit", ROOMY);
    }

    @Test
    void outputLimitIsConfigurable() {
        ChatTemplate t = new ChatTemplate("{% for i in range(100) %}xxxxxxxxxx{% endfor %}", null, null,
                ChatTemplateLimits.DEFAULT.withMaxOutputChars(500), Clock.systemUTC());
        assertThrows(ChatTemplateException.class, () -> t.render(MESSAGES, false));
    }

    @Test
    void noPythonDunderAccess() {
        assertFailsMentioning("{{ ''.__class__ }}", "__class__");
        assertFailsMentioning("{{ messages.__len__() }}", "__len__");
        assertFailsMentioning("{{ ''.__class__.__mro__[1].__subclasses__() }}", "__class__");
        // Functions are not values in this engine, so there is nothing to climb from.
        assertEquals("", new ChatTemplate("{{ namespace.__init__ }}{{ range.__globals__ }}", null, null)
                .render(MESSAGES, false));
    }

    @Test
    void noJavaObjectAccess() {
        assertFailsMentioning("{{ messages.getClass() }}", "getClass");
        assertFailsMentioning("{{ messages.getClass().forName('java.lang.Runtime') }}", "getClass");
        assertFailsMentioning("{{ messages[0].content.getBytes() }}", "getBytes");
        assertFailsMentioning("{{ messages[0].content.getClass().getClassLoader() }}", "getClass");
        assertFailsMentioning("{% for m in messages %}{{ loop.getClass() }}{% endfor %}", "getClass");
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> new ChatTemplate("{{ ____int3rpr3t3r____ }}", null, null));
        assertTrue(e.getMessage().contains("internal name"));
    }

    @Test
    void beanPropertiesAreNotReadable() {
        ChatTemplate t = new ChatTemplate("[{{ messages[0].content.bytes }}][{{ messages[0].content.blank }}]"
                + "[{{ messages.class }}]", null, null);
        assertEquals("[][][]", t.render(MESSAGES, false));
        // Unpacking a str into bean properties (jinjava's fallback) would expose getClass().
        assertEquals("ab", new ChatTemplate("{% for bytes, class in ['ab'] %}{{ bytes }}{{ class }}{% endfor %}",
                null, null).render(MESSAGES, false));
    }

    @Test
    void noFileAccess() {
        assertFailsMentioning("{% include 'chat-reference/templates.json' %}", "include");
        assertFailsMentioning("{% import 'x.jinja' as x %}", "import");
        assertFailsMentioning("{% from 'x.jinja' import y %}", "from");
        assertFailsMentioning("{% extends 'x.jinja' %}", "extends");
    }

    @Test
    void onlyAllowlistedFunctionsAndFilters() {
        assertFailsMentioning("{{ today() }}", "disabled");
        assertFailsMentioning("{{ type(messages) }}", "disabled");
        assertFailsMentioning("{{ fn:list(1) }}", "disabled");
        assertFailsMentioning("{{ messages[0]|attr('__class__') }}", "disabled");
        assertFailsMentioning("{{ 'x'|render }}", "disabled");
    }

    @Test
    void templatesCannotModifyTheirInputs() {
        assertFailsMentioning("{{ messages.append(1) }}", "may not modify");
        assertFailsMentioning("{{ messages[0].update({'role': 'system'}) }}", "may not modify");
        assertFailsMentioning("{{ messages.pop() }}", "may not modify");
    }

    @Test
    void messageTextIsNeverInterpretedAsTemplateCode() {
        ChatTemplate t = new ChatTemplate("{{ messages[0].content }}", null, null);
        String hostile = "{{ 7*7 }} {% for i in range(10**9) %}{% endfor %} {{ ''.__class__ }}";
        assertEquals(hostile, t.render(List.of(ChatMessage.user(hostile)), false));
    }

    @Test
    void deeplyNestedTemplatesFailCleanly() {
        String deep = "{% if true %}".repeat(20_000) + "x" + "{% endif %}".repeat(20_000);
        ChatTemplate t = new ChatTemplate(deep, null, null, FAST, Clock.systemUTC());
        try {
            t.render(MESSAGES, false);
        } catch (ChatTemplateException expected) {
            // a clean failure is fine; what must not happen is a StackOverflowError in the caller
        }
    }

    @Test
    void oversizedTemplatesAreRefused() {
        assertThrows(ChatTemplateException.class, () -> new ChatTemplate("x".repeat((1 << 20) + 1), null, null));
    }
}
