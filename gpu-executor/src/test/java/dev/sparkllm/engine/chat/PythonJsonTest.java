package dev.sparkllm.engine.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected strings are what CPython 3.11's json.dumps prints for the same values. */
class PythonJsonTest {

    private static final PythonJson.Options DEFAULT = PythonJson.Options.TRANSFORMERS_DEFAULT;

    private static String dumps(Object value, PythonJson.Options options) {
        return PythonJson.dumps(value, options, 1 << 20);
    }

    private static Map<String, Object> sample() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", Arrays.asList(1L, 2.5, null, true));
        m.put("a", "é \"q\" \n\t\\ 😀");
        m.put("e", Map.of());
        m.put("l", List.of());
        return m;
    }

    @Test
    void defaultSeparatorsAndUnicodeKept() {
        assertEquals("{\"b\": [1, 2.5, null, true], \"a\": \"é \\\"q\\\" \\n\\t\\\\ 😀\", \"e\": {}, \"l\": []}",
                dumps(sample(), DEFAULT));
    }

    @Test
    void indentPutsItemsOnTheirOwnLines() {
        var options = new PythonJson.Options(false, "  ", null, null, true);
        assertEquals("{\n  \"a\": \"é \\\"q\\\" \\n\\t\\\\ 😀\",\n  \"b\": [\n    1,\n    2.5,\n    null,\n    true\n  ],"
                + "\n  \"e\": {},\n  \"l\": []\n}", dumps(sample(), options));
    }

    @Test
    void ensureAsciiEscapesUtf16Units() {
        var options = new PythonJson.Options(true, null, ",", ":", false);
        assertEquals("\"\\u00e9\\ud83d\\ude00\\u007f\"", dumps("é😀\u007f", options));
    }

    @Test
    void floatsPrintLikePythonRepr() {
        assertEquals("[1.0, 0.1, 1e-05, 1e+16, 123456789012345.6, -0.0, NaN, Infinity]",
                dumps(List.of(1.0, 0.1, 1e-5, 1e16, 123456789012345.6, -0.0, Double.NaN, Double.POSITIVE_INFINITY), DEFAULT));
        assertEquals("0.0001", PythonValues.floatRepr(1e-4));
        assertEquals("1234567890123456.0", PythonValues.floatRepr(1234567890123456.0));
    }
}
