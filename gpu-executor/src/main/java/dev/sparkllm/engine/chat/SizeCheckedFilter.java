package dev.sparkllm.engine.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.Collection;
import java.util.Map;

/**
 * Wraps one of jinjava's own filters so it runs inside the render's budget: refused once the render has
 * failed or timed out, refused when given a numeric argument larger than the output limit (the way
 * {@code center(10**9)} or {@code indent(10**9)} would allocate a huge string in one call), and its
 * result checked against the size limits.
 */
final class SizeCheckedFilter implements Filter {

    private final Filter inner;

    SizeCheckedFilter(Filter inner) {
        this.inner = inner;
    }

    @Override
    public String getName() {
        return inner.getName();
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        before(args);
        return after(inner.filter(var, interpreter, args));
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        before(args);
        if (kwargs != null) before(kwargs.values().toArray());
        return after(inner.filter(var, interpreter, args, kwargs));
    }

    private void before(Object[] args) {
        RenderGuard guard = RenderGuard.current();
        guard.check();
        if (args == null) return;
        for (Object arg : args) {
            long magnitude = 0;
            if (arg instanceof Number n) magnitude = (long) Math.abs(n.doubleValue());
            else if (arg instanceof String s && s.matches("-?\\d{1,18}")) magnitude = Math.abs(Long.parseLong(s));
            if (magnitude > guard.limits().maxOutputChars()) {
                throw guard.fail("filter '" + getName() + "' was given " + arg
                        + ", larger than the chat template output limit of " + guard.limits().maxOutputChars());
            }
        }
    }

    private Object after(Object result) {
        RenderGuard guard = RenderGuard.current();
        if (result instanceof CharSequence s) guard.checkSize(s.length());
        else if (result instanceof Collection<?> c) guard.checkCollectionSize(c.size());
        else if (result instanceof Map<?, ?> m) guard.checkCollectionSize(m.size());
        return result;
    }
}
