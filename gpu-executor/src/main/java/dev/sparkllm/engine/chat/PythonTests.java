package dev.sparkllm.engine.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import java.util.List;
import java.util.Map;

/**
 * {@code is iterable} and {@code is sequence} with Python's answers: a str is both (jinjava says
 * neither), which changes output in templates such as Llama 3.1's
 * {@code message.content is mapping or message.content is iterable}.
 */
final class PythonTests {

    private PythonTests() {
    }

    static List<ExpTest> all() {
        return List.of(new Iterable(), new Sequence());
    }

    static final class Iterable implements ExpTest {
        @Override
        public String getName() {
            return "iterable";
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return var instanceof CharSequence || var instanceof java.lang.Iterable<?> || var instanceof Map<?, ?>
                    || var instanceof Object[];
        }
    }

    /** Python: anything with __len__ and __getitem__, so str, list, tuple and dict. */
    static final class Sequence implements ExpTest {
        @Override
        public String getName() {
            return "sequence";
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return var instanceof CharSequence || var instanceof List<?> || var instanceof Map<?, ?> || var instanceof Object[];
        }
    }
}
