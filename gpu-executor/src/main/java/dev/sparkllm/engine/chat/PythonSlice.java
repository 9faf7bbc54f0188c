package dev.sparkllm.engine.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code seq[start:stop:step]} for lists and strings (strings by character, i.e. code point),
 * with negative bounds, clamping and any non-zero step. Reached through the rewrite of slice syntax
 * done by {@link TemplateRewriter}.
 */
final class PythonSlice {

    private PythonSlice() {
    }

    static Object apply(Object base, Object[] bounds) {
        Object start = bounds.length > 0 ? bounds[0] : null;
        Object stop = bounds.length > 1 ? bounds[1] : null;
        Object step = bounds.length > 2 ? bounds[2] : null;
        if (base instanceof CharSequence s) {
            List<String> chars = PythonIteration.characters(s.toString());
            StringBuilder out = new StringBuilder();
            for (int i : indices(chars.size(), start, stop, step)) out.append(chars.get(i));
            return out.toString();
        }
        if (base instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (int i : indices(list.size(), start, stop, step)) out.add(list.get(i));
            return out;
        }
        throw RenderGuard.failCurrent("'" + CallArgs.typeName(base) + "' object is not subscriptable");
    }

    /** The indexes slice(start, stop, step).indices(length) visits, as CPython computes them. */
    static int[] indices(int length, Object startArg, Object stopArg, Object stepArg) {
        long step = stepArg == null ? 1 : integer(stepArg);
        if (step == 0) throw RenderGuard.failCurrent("slice step cannot be zero");
        long lower = step < 0 ? -1 : 0;
        long upper = step < 0 ? length - 1 : length;
        long start = startArg == null ? (step < 0 ? upper : lower) : clamp(integer(startArg), length, lower, upper);
        long stop = stopArg == null ? (step < 0 ? lower : upper) : clamp(integer(stopArg), length, lower, upper);
        int count = 0;
        if (step > 0 && start < stop) count = (int) ((stop - start + step - 1) / step);
        if (step < 0 && start > stop) count = (int) ((start - stop - step - 1) / -step);
        int[] out = new int[count];
        for (int i = 0; i < count; i++) out[i] = (int) (start + i * step);
        return out;
    }

    private static long clamp(long index, int length, long lower, long upper) {
        if (index < 0) {
            index += length;
            return Math.max(index, lower);
        }
        return Math.min(index, upper);
    }

    private static long integer(Object o) {
        if (o instanceof Number n && !(o instanceof Double) && !(o instanceof Float)) return n.longValue();
        if (o instanceof Boolean b) return b ? 1 : 0;
        throw RenderGuard.failCurrent("slice indices must be integers or None, not " + CallArgs.typeName(o));
    }
}
