package dev.sparkllm.engine.chat;

import com.hubspot.jinjava.util.ForLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The read-only Python methods of dicts and lists ({@code message.get('tool_calls')},
 * {@code tool.items()}) and of the loop object ({@code loop.cycle(...)}).
 *
 * <p>Mutating methods ({@code append}, {@code update}, {@code pop}...) are refused: transformers renders
 * with jinja2's ImmutableSandboxedEnvironment, which refuses them too, so a template that works there
 * never needs them, and refusing keeps a template from altering the caller's messages.
 */
final class PythonContainerMethods {

    static final Set<String> MUTATORS = Set.of(
            "append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", "update", "setdefault",
            "popitem", "put", "putAll", "add", "addAll", "removeAll", "set", "merge", "replaceAll");

    private PythonContainerMethods() {
    }

    static Object callDict(Map<?, ?> map, String method, Object[] params) {
        CallArgs a = new CallArgs("dict." + method, params);
        return switch (method) {
            case "get" -> {
                a.atMost(2);
                Object key = a.get(0, null, null);
                yield map.containsKey(key) ? map.get(key) : a.get(1, null, null);
            }
            case "items" -> PythonIteration.items(map);
            case "keys" -> new ArrayList<>(map.keySet());
            case "values" -> new ArrayList<>(map.values());
            case "copy" -> map;
            default -> throw refusal("dict", method);
        };
    }

    static Object callList(List<?> list, String method, Object[] params) {
        CallArgs a = new CallArgs("list." + method, params);
        return switch (method) {
            case "index" -> {
                Object wanted = a.atMost(1).get(0, null, null);
                for (int i = 0; i < list.size(); i++) {
                    if (Objects.equals(list.get(i), wanted)) yield (long) i;
                }
                throw a.error("value is not in list");
            }
            case "count" -> {
                Object wanted = a.atMost(1).get(0, null, null);
                yield list.stream().filter(o -> Objects.equals(o, wanted)).count();
            }
            case "copy" -> list;
            default -> throw refusal("list", method);
        };
    }

    static Object callLoop(ForLoop loop, String method, Object[] params) {
        if (method.equals("cycle")) {
            if (params == null || params.length == 0) throw RenderGuard.failCurrent("loop.cycle() needs at least one value");
            return params[loop.getIndex0() % params.length];
        }
        throw refusal("loop", method);
    }

    private static RuntimeException refusal(String type, String method) {
        if (MUTATORS.contains(method)) {
            return RenderGuard.failCurrent("chat templates may not modify a " + type + " (called " + type + "." + method
                    + "); use {% set %} or namespace() instead");
        }
        return RenderGuard.failCurrent(type + " has no method '" + method + "' in chat templates");
    }
}
