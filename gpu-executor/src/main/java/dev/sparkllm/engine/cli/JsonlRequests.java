package dev.sparkllm.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkllm.engine.chat.ChatMessage;
import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.runtime.GenerationResult;
import dev.sparkllm.engine.sampling.SamplingParams;
import dev.sparkllm.engine.sampling.TokenLogprob;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * One JSONL line to a request and a result to one JSONL line. A line that cannot be understood
 * becomes a request that fails with the reason, so the output keeps one line per input line.
 */
final class JsonlRequests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonlRequests() {}

    /** A parsed line, or the reason it is unusable (then {@code request} is null). */
    record Line(GenerationRequest request, String id, String error) {}

    static Line parse(String line, int lineNumber, SamplingParams defaults, Boolean chat, String system, Boolean parseSpecial) {
        String fallbackId = "line-" + lineNumber;
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (Exception e) {
            return new Line(null, fallbackId, "line " + lineNumber + " is not valid JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) return new Line(null, fallbackId, "line " + lineNumber + " is not a JSON object");
        String id = n.hasNonNull("id") ? n.get("id").asText() : fallbackId;
        try {
            SamplingParams p = new SamplingParams(
                    n.path("max_tokens").asInt(defaults.maxTokens()),
                    (float) n.path("temperature").asDouble(defaults.temperature()),
                    n.path("top_k").asInt(defaults.topK()),
                    (float) n.path("top_p").asDouble(defaults.topP()),
                    (float) n.path("min_p").asDouble(defaults.minP()),
                    n.hasNonNull("seed") ? Long.valueOf(n.get("seed").asLong()) : defaults.seed(),
                    n.has("stop") ? stops(n.get("stop")) : defaults.stop(),
                    defaults.ignoreEos(),
                    n.hasNonNull("logprobs") ? logprobs(n.get("logprobs")) : defaults.logprobs());
            List<ChatMessage> messages = n.has("messages") ? messages(n.get("messages")) : null;
            String prompt = n.hasNonNull("prompt") ? n.get("prompt").asText() : null;
            Boolean rowChat = n.has("chat") ? Boolean.valueOf(n.get("chat").asBoolean()) : chat;
            String rowSystem = n.hasNonNull("system") ? n.get("system").asText() : system;
            Boolean rowParse = n.hasNonNull("parse_special") ? Boolean.valueOf(n.get("parse_special").asBoolean()) : parseSpecial;
            return new Line(new GenerationRequest(id, prompt, messages, null, p, rowChat, rowSystem, rowParse), id, null);
        } catch (IllegalArgumentException e) {
            return new Line(null, id, e.getMessage());
        }
    }

    /** Strict, unlike the lenient numeric fields above: 1.5, "3" or true are errors, not a silent 0. */
    private static int logprobs(JsonNode n) {
        if (!n.isIntegralNumber()) throw new IllegalArgumentException("logprobs must be an integer, got " + n);
        if (!n.canConvertToInt()) throw new IllegalArgumentException("logprobs must be in -1.." + SamplingParams.MAX_LOGPROBS + ", got " + n);
        return n.asInt();
    }

    private static List<String> stops(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isTextual()) out.add(n.asText());
        else if (n.isArray()) n.forEach(s -> out.add(s.asText()));
        else if (!n.isNull()) throw new IllegalArgumentException("stop must be a string or a list of strings");
        return out;
    }

    private static List<ChatMessage> messages(JsonNode n) {
        if (!n.isArray()) throw new IllegalArgumentException("messages must be a list of {role, content}");
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : n) {
            if (!m.hasNonNull("role") || !m.has("content")) {
                throw new IllegalArgumentException("every message needs a role and a content");
            }
            out.add(new ChatMessage(m.get("role").asText(), m.get("content").isNull() ? null : m.get("content").asText()));
        }
        return out;
    }

    static String toJson(GenerationResult r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("text", r.text());
        out.put("token_ids", r.tokenIds());
        out.put("finish_reason", r.finishReason());
        out.put("prompt_tokens", r.promptTokens());
        out.put("completion_tokens", r.completionTokens());
        out.put("cached_tokens", r.cachedTokens());
        out.put("error", r.error());
        if (!r.logprobs().isEmpty()) out.put("logprobs", r.logprobs().stream().map(t -> logprobJson(t, true)).toList());
        try {
            return JSON.writeValueAsString(out);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> logprobJson(TokenLogprob t, boolean withTop) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", t.token());
        out.put("id", t.id());
        out.put("logprob", t.logprob());
        if (withTop) out.put("top", t.top().stream().map(a -> logprobJson(a, false)).toList());
        return out;
    }
}
