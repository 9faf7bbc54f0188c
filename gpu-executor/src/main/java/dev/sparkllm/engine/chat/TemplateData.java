package dev.sparkllm.engine.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies what a template may see into plain, fresh values: strings, booleans, longs, doubles, lists and
 * string-keyed maps, like transformers' {@code _plain_template_data}. Anything else becomes an inert
 * placeholder {@code "<TypeName>"}. The copy means a template can neither reach the caller's objects
 * (and their methods) nor change the caller's data.
 */
final class TemplateData {

    private TemplateData() {
    }

    static Object plain(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean) return value;
        if (value instanceof CharSequence s) return s.toString();
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger b) return b.bitLength() < 64 ? (Object) b.longValue() : b.toString();
        if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), plain(v)));
            return copy;
        }
        if (value instanceof Collection<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(plain(v)));
            return copy;
        }
        if (value instanceof Object[] array) {
            List<Object> copy = new ArrayList<>(array.length);
            for (Object v : array) copy.add(plain(v));
            return copy;
        }
        return "<" + value.getClass().getSimpleName() + ">";
    }

    /**
     * One message as the template sees it: keys with null values dropped, as transformers does, so
     * templates test {@code message.tool_calls is defined} rather than meet a None.
     */
    static Map<String, Object> message(Map<String, ?> message) {
        Map<String, Object> copy = new LinkedHashMap<>();
        message.forEach((k, v) -> {
            if (v != null) copy.put(k, plain(v));
        });
        return copy;
    }
}
