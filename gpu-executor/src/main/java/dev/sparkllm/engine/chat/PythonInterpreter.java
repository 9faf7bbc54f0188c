package dev.sparkllm.engine.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpreterFactory;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;

/**
 * A jinjava interpreter that prints values the way jinja2 does ({@code {{ flag }}} gives {@code True},
 * a list prints as Python's repr). That conversion is the only change.
 */
final class PythonInterpreter extends JinjavaInterpreter {

    PythonInterpreter(Jinjava application, Context context, JinjavaConfig config) {
        super(application, context, config);
    }

    PythonInterpreter(JinjavaInterpreter orig) {
        super(orig);
    }

    @Override
    public String getAsString(Object object) {
        return PythonValues.str(object);
    }

    static final class Factory implements InterpreterFactory {
        @Override
        public JinjavaInterpreter newInstance(JinjavaInterpreter orig) {
            return new PythonInterpreter(orig);
        }

        @Override
        public JinjavaInterpreter newInstance(Jinjava application, Context context, JinjavaConfig config) {
            return new PythonInterpreter(application, context, config);
        }
    }
}
