package dev.sparkllm.engine.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected strings are CPython's str()/repr() and str methods for the same values. */
class PythonValuesTest {

    @Test
    void strOfContainersIsPythonRepr() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("it's", Arrays.asList(true, null, 1L, 2.5, "x\ny"));
        assertEquals("{\"it's\": [True, None, 1, 2.5, 'x\\ny']}", PythonValues.str(m));
        assertEquals("True", PythonValues.str(true));
        assertEquals("", PythonValues.str(null));
    }

    @Test
    void stringMethodsFollowCPython() {
        assertEquals(List.of("a", "b", "c"), PythonStringMethods.split("  a b\t\nc  ", null, -1));
        assertEquals(List.of("a", "b c  "), PythonStringMethods.split("  a b c  ", null, 1));
        assertEquals(List.of("", "a", "", "b", ""), PythonStringMethods.split(",a,,b,", ",", -1));
        assertEquals(List.of("a,b", "c"), PythonStringMethods.rsplit("a,b,c", ",", 1));
        assertEquals(List.of("  a b", "c"), PythonStringMethods.rsplit("  a b c  ", null, 1));
        assertEquals("Hello World'S 2Nd", PythonStringMethods.title("hello world's 2nd"));
        assertEquals("Hello", PythonStringMethods.capitalize("hELLO"));
        assertEquals("ab", PythonStringMethods.strip("\u00a0\u3000ab\u2003\n", null, true, true));
        assertEquals("b", PythonStringMethods.strip("xxbyy", "xy", true, true));
        assertEquals("-a-b-", PythonStringMethods.replace("ab", "", "-", -1));
        assertEquals("XbXb", PythonStringMethods.replace("abab", "a", "X", -1));
        assertEquals("Xbab", PythonStringMethods.replace("abab", "a", "X", 1));
        assertEquals(true, PythonStringMethods.call("hello", "startswith", new Object[] {List.of("x", "he")}));
        assertEquals(4L, ((Number) PythonStringMethods.call("hello", "rfind", new Object[] {"o"})).longValue());
    }

    @Test
    void slicesFollowCPython() {
        assertEquals("Hi", PythonSlice.apply("Hi", new Object[] {-3L, null, null}));
        assertEquals("olleh", PythonSlice.apply("hello", new Object[] {null, null, -1L}));
        assertEquals("😀b", PythonSlice.apply("a😀b", new Object[] {1L, null, null}));
        assertEquals(List.of(3L, 1L), PythonSlice.apply(List.of(1L, 2L, 3L), new Object[] {null, null, -2L}));
        assertEquals(List.of(), PythonSlice.apply(List.of(1L, 2L, 3L), new Object[] {5L, 1L, null}));
    }
}
