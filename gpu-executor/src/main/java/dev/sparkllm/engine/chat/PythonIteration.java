package dev.sparkllm.engine.chat;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** What iterating a template value yields in Python, where jinjava's own rules differ. */
final class PythonIteration {

    private PythonIteration() {
    }

    /** A str iterates as its characters (code points), not as one item. */
    static List<String> characters(String s) {
        List<String> chars = new ArrayList<>(s.length());
        s.codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
        return chars;
    }

    /** dict.items(): (key, value) pairs in insertion order; loops unpack them into two names. */
    static List<Map.Entry<Object, Object>> items(Map<?, ?> map) {
        List<Map.Entry<Object, Object>> items = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) items.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
        return items;
    }

    /** The items a for-loop visits: characters of a str, keys of a dict, elements of anything else. */
    static Collection<?> loopItems(Object value) {
        if (value == null) return List.of();
        if (value instanceof CharSequence s) return characters(s.toString());
        if (value instanceof Map<?, ?> m) return new ArrayList<>(m.keySet());
        if (value instanceof Collection<?> c) return c;
        if (value instanceof Object[] array) return List.of(array);
        if (value instanceof Iterable<?> it) {
            List<Object> copy = new ArrayList<>();
            for (Object o : it) {
                copy.add(o);
                RenderGuard.current().checkCollectionSize(copy.size());
            }
            return copy;
        }
        throw RenderGuard.failCurrent("'" + CallArgs.typeName(value) + "' object is not iterable");
    }
}
