package dev.sparkllm.engine.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Behaviours not covered by the Python reference fixture. */
class ChatTemplateTest {

    private static final List<ChatMessage> HELLO = List.of(ChatMessage.user("Hello"));

    @Test
    void raiseExceptionFailsWithExactlyTheTemplatesMessage() {
        ChatTemplate t = new ChatTemplate("{{ raise_exception('Only user and assistant roles are supported!') }}", null, null);
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> t.render(HELLO, true));
        assertEquals("Only user and assistant roles are supported!", e.getMessage());
    }

    @Test
    void strftimeNowReadsTheGivenClock() {
        Clock clock = Clock.fixed(Instant.parse("2024-07-26T09:05:03Z"), ZoneOffset.UTC);
        ChatTemplate t = new ChatTemplate("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S %A %B %-d') }}",
                null, null, ChatTemplateLimits.DEFAULT, clock);
        assertEquals("26 Jul 2024|2024-07-26 09:05:03 Friday July 26", t.render(HELLO, true));
    }

    @Test
    void trailingNewlineIsDroppedAndLineBreaksNormalizedLikeJinja2() {
        assertEquals("a\nb", new ChatTemplate("a\r\nb\n", null, null).render(HELLO, true));
        assertEquals("a\n", new ChatTemplate("a\n\n", null, null).render(HELLO, true));
    }

    @Test
    void specialTokensAndFlagsAreVisible() {
        ChatTemplate t = new ChatTemplate("{{ bos_token }}{{ messages[0].content }}{% if add_generation_prompt %}>{% endif %}{{ eos_token }}",
                "<s>", "</s>");
        assertEquals("<s>Hello></s>", t.render(HELLO, true));
        assertEquals("<s>Hello</s>", t.render(HELLO, false));
        assertEquals("Hello", new ChatTemplate("{{ bos_token }}{{ messages[0].content }}{{ eos_token }}", null, null)
                .render(HELLO, true));
    }

    @Test
    void toolsAndExtraVariablesReachTheTemplate() {
        ChatTemplate t = new ChatTemplate("{% if tools %}{{ tools[0].function.name }}{% endif %}|{{ enable_thinking }}",
                null, null);
        List<Map<String, ?>> messages = List.of(Map.of("role", "user", "content", "x"));
        List<Map<String, ?>> tools = List.of(Map.of("type", "function", "function", Map.of("name", "get_weather")));
        assertEquals("get_weather|False", t.render(messages, tools, true, Map.of("enable_thinking", false)));
        assertEquals("|", t.render(messages, null, true, Map.of()));
    }

    @Test
    void missingContentIsLeftOutLikeTransformersDoes() {
        ChatTemplate t = new ChatTemplate("{{ messages[0].content is defined }}", null, null);
        assertEquals("False", t.render(List.of(new ChatMessage("assistant", null)), false));
    }

    @Test
    void generationBlocksRenderTheirBody() {
        ChatTemplate t = new ChatTemplate("{% generation %}{{ messages[0].content }}{% endgeneration %}", null, null);
        assertEquals("Hello", t.render(HELLO, false));
    }

    @Test
    void chatMlFallbackRendersTheOpenAiConvention() {
        ChatTemplate t = new ChatTemplate(ChatTemplate.CHATML_SOURCE, null, null);
        assertEquals("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n",
                t.render(List.of(ChatMessage.system("S"), ChatMessage.user("Hello")), true));
    }

    @Test
    void templatesRenderConcurrently() throws Exception {
        ChatTemplate t = new ChatTemplate(ChatTemplate.CHATML_SOURCE, null, null);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<String>>();
            for (int i = 0; i < 64; i++) {
                String text = "message " + i;
                futures.add(pool.submit(() -> t.render(List.of(ChatMessage.user(text)), false)));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertEquals("<|im_start|>user\nmessage " + i + "<|im_end|>\n", futures.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
