package dev.sparkllm.engine.chat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One turn of a conversation, as chat templates see it: {@code messages[i]['role']} and
 * {@code messages[i]['content']}.
 *
 * @param role    "system", "user", "assistant", "tool"... (templates decide which they accept)
 * @param content the text of the turn; null means "no content" and the key is left out of the
 *                template's view, the way transformers drops None-valued keys
 */
public record ChatMessage(String role, String content) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    /** The message as the plain map a template indexes into. */
    Map<String, Object> toTemplateValue() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", role);
        if (content != null) {
            map.put("content", content);
        }
        return map;
    }
}
