package dev.sparkllm.spark.expr;

import dev.sparkllm.engine.sampling.SamplingParams;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The options of one {@code llm_generate} call, parsed from a struct or a map. Every key is
 * checked: an unknown key or a bad value is an error that names it (at analysis time when the
 * options are constant, on the row otherwise).
 */
public record LlmOptions(String model, int maxTokens, float temperature, float topP, int topK, float minP, Long seed,
                         List<String> stop, String system, Boolean chatTemplate, Boolean parseSpecial,
                         int logprobs, boolean failOnError)
    implements Serializable {

  public static final String DEFAULT_MODEL = "default";
  public static final int DEFAULT_MAX_TOKENS = 128;
  public static final List<String> KEYS = List.of("model", "max_tokens", "temperature", "top_p", "top_k", "min_p",
      "seed", "stop", "system", "chat_template", "parse_special", "logprobs", "on_error");

  public static final LlmOptions DEFAULTS =
      new LlmOptions(DEFAULT_MODEL, DEFAULT_MAX_TOKENS, 0f, 1f, 0, 0f, null, List.of(), null, null, null,
          SamplingParams.LOGPROBS_OFF, false);

  /** A bad option: the message names the key and the value. */
  public static final class InvalidOption extends IllegalArgumentException {
    public InvalidOption(String message) {
      super(message);
    }
  }

  /**
   * Parses option values already converted to Java (String, Number, Boolean, List of String,
   * or null for "use the default"). Keys are case-insensitive.
   */
  public static LlmOptions parse(Map<String, Object> raw) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      String key = e.getKey().toLowerCase(Locale.ROOT);
      if (!KEYS.contains(key)) {
        throw new InvalidOption("unknown option '" + e.getKey() + "' (known: " + String.join(", ", KEYS) + ")");
      }
      if (e.getValue() != null) {
        values.put(key, e.getValue());
      }
    }
    LlmOptions o = new LlmOptions(
        text(values, "model", DEFAULT_MODEL),
        integer(values, "max_tokens", DEFAULT_MAX_TOKENS),
        (float) real(values, "temperature", 0),
        (float) real(values, "top_p", 1),
        integer(values, "top_k", 0),
        (float) real(values, "min_p", 0),
        values.containsKey("seed") ? longValue(values, "seed") : null,
        strings(values, "stop"),
        text(values, "system", null),
        values.containsKey("chat_template") ? bool(values, "chat_template") : null,
        values.containsKey("parse_special") ? bool(values, "parse_special") : null,
        integer(values, "logprobs", SamplingParams.LOGPROBS_OFF),
        onError(text(values, "on_error", "null")));
    String invalid = o.samplingParams().validationError();
    if (invalid != null) {
      throw new InvalidOption(invalid);
    }
    if (o.model.isBlank()) {
      throw new InvalidOption("model must be a configured model name, got an empty string");
    }
    return o;
  }

  public SamplingParams samplingParams() {
    return new SamplingParams(maxTokens, temperature, topK, topP, minP, seed, stop, false, logprobs);
  }

  private static boolean onError(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "null" -> false;
      case "fail" -> true;
      default -> throw new InvalidOption("on_error must be 'null' or 'fail', got '" + value + "'");
    };
  }

  private static String text(Map<String, Object> values, String key, String fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof String s)) {
      throw new InvalidOption(key + " must be a string, got " + v);
    }
    return s;
  }

  private static int integer(Map<String, Object> values, String key, int fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    long n = longValue(values, key);
    if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
      throw new InvalidOption(key + " is out of range: " + n);
    }
    return (int) n;
  }

  private static long longValue(Map<String, Object> values, String key) {
    Object v = values.get(key);
    if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && !Double.isInfinite(n.doubleValue())) {
      return n.longValue();
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new InvalidOption(key + " must be an integer, got '" + s + "'");
      }
    }
    throw new InvalidOption(key + " must be an integer, got " + v);
  }

  private static double real(Map<String, Object> values, String key, double fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        throw new InvalidOption(key + " must be a number, got '" + s + "'");
      }
    }
    throw new InvalidOption(key + " must be a number, got " + v);
  }

  private static boolean bool(Map<String, Object> values, String key) {
    Object v = values.get(key);
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new InvalidOption(key + " must be true or false, got " + v);
  }

  private static List<String> strings(Map<String, Object> values, String key) {
    Object v = values.get(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof String s) {
      return List.of(s);
    }
    if (v instanceof List<?> list) {
      List<String> out = new ArrayList<>();
      for (Object item : list) {
        if (!(item instanceof String s) || s.isEmpty()) {
          throw new InvalidOption(key + " must be non-empty strings, got " + item);
        }
        out.add(s);
      }
      return out;
    }
    throw new InvalidOption(key + " must be a string or an array of strings, got " + v);
  }
}
