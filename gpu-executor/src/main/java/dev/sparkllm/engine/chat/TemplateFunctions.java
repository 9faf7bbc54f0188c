package dev.sparkllm.engine.chat;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The global functions transformers gives chat templates, plus a Python-exact {@code range}. They are
 * static because jinjava binds functions to static methods; per-render state comes from the
 * {@link RenderGuard}.
 */
final class TemplateFunctions {

    private TemplateFunctions() {
    }

    /** {@code raise_exception(msg)}: the template rejects its input; the render fails with exactly msg. */
    static Object raiseException(Object message) {
        throw RenderGuard.current().fail(PythonValues.str(message));
    }

    /** {@code strftime_now(fmt)}: the current time of the render's clock, formatted like Python. */
    static String strftimeNow(Object format) {
        RenderGuard guard = RenderGuard.current();
        return PythonStrftime.format(ZonedDateTime.now(guard.clock()), PythonValues.str(format));
    }

    /**
     * Python's {@code range(stop)} / {@code range(start, stop[, step])}, refused past the configured
     * length as jinja2's sandbox does (jinjava's own range silently truncates at 1000, which would
     * change a template's output instead of failing it).
     */
    static List<Long> range(Object first, Object... rest) {
        RenderGuard guard = RenderGuard.current();
        guard.check();
        long start = 0;
        long stop;
        long step = 1;
        if (rest == null || rest.length == 0) {
            stop = integer(first);
        } else {
            start = integer(first);
            stop = integer(rest[0]);
            if (rest.length > 1) step = integer(rest[1]);
            if (rest.length > 2) throw guard.fail("range expected at most 3 arguments, got " + (rest.length + 1));
        }
        if (step == 0) throw guard.fail("range() arg 3 must not be zero");
        long length = step > 0 ? ceilDiv(stop - start, step) : ceilDiv(start - stop, -step);
        length = Math.max(0, length);
        if (length > guard.limits().maxRangeLength()) {
            throw guard.fail("range too big: the chat template sandbox allows at most "
                    + guard.limits().maxRangeLength() + " elements, got " + length);
        }
        List<Long> values = new ArrayList<>((int) length);
        for (long i = 0, v = start; i < length; i++, v += step) values.add(v);
        return values;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    private static long integer(Object o) {
        if (o instanceof Number n && !(o instanceof Double) && !(o instanceof Float)) return n.longValue();
        if (o instanceof Boolean b) return b ? 1 : 0;
        throw RenderGuard.current().fail("range() takes integers, not " + CallArgs.typeName(o));
    }
}
