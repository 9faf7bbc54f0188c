package dev.sparkllm.engine.chat;

import com.hubspot.jinjava.el.ext.NamedParameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of a Python-style call made from a template, {@code s.split(',', maxsplit=1)}:
 * jinjava hands them over as one array with keyword arguments mixed in as {@link NamedParameter}s.
 * Looks arguments up by Python position or keyword, as CPython's argument parsing would.
 */
final class CallArgs {

    private final String function;
    private final List<Object> positional = new ArrayList<>();
    private final Map<String, Object> named = new LinkedHashMap<>();

    CallArgs(String function, Object[] params) {
        this.function = function;
        if (params != null) {
            for (Object p : params) {
                if (p instanceof NamedParameter np) named.put(np.getName(), np.getValue());
                else positional.add(p);
            }
        }
    }

    CallArgs(String function, Object[] params, Map<String, Object> kwargs) {
        this(function, params);
        if (kwargs != null) named.putAll(kwargs);
    }

    int positionalCount() {
        return positional.size();
    }

    /** Is the argument at {@code position} (or keyword {@code name}) given at all? */
    boolean has(int position, String name) {
        return position < positional.size() || (name != null && named.containsKey(name));
    }

    /** The argument at {@code position} or keyword {@code name}, else {@code fallback}. */
    Object get(int position, String name, Object fallback) {
        if (position < positional.size()) return positional.get(position);
        if (name != null && named.containsKey(name)) return named.get(name);
        return fallback;
    }

    String string(int position, String name, String fallback) {
        Object v = get(position, name, fallback);
        if (v == null) return null;
        if (v instanceof CharSequence s) return s.toString();
        throw error("argument '" + name + "' must be a string, not " + typeName(v));
    }

    long integer(int position, String name, long fallback) {
        Object v = get(position, name, fallback);
        if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) return n.longValue();
        if (v instanceof Boolean b) return b ? 1 : 0;
        throw error("argument '" + name + "' must be an integer, not " + typeName(v));
    }

    boolean bool(int position, String name, boolean fallback) {
        return PythonValues.truthy(get(position, name, fallback));
    }

    /** Refuses calls with more positional arguments than the Python function takes, like CPython does. */
    CallArgs atMost(int count) {
        if (positional.size() > count) {
            throw error("takes at most " + count + " arguments (" + positional.size() + " given)");
        }
        return this;
    }

    RuntimeException error(String message) {
        return RenderGuard.failCurrent(function + "(): " + message);
    }

    static String typeName(Object v) {
        if (v == null) return "NoneType";
        if (v instanceof CharSequence) return "str";
        if (v instanceof Boolean) return "bool";
        if (v instanceof Double || v instanceof Float) return "float";
        if (v instanceof Number) return "int";
        if (v instanceof Map) return "dict";
        if (v instanceof List) return "list";
        return v.getClass().getSimpleName();
    }
}
