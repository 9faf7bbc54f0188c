package dev.sparkllm.engine.chat;

import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.tree.TagNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * jinja2's for loop on top of jinjava's: adds the {@code for x in xs if cond} filter clause (used by
 * Mistral's tool template; jinjava would silently loop over nothing) and Python's iteration rules
 * (a str iterates over its characters). The items are computed here, then jinjava's loop machinery
 * renders the body with {@code loop.*}, {@code break} and {@code continue} as usual. Filtering happens
 * first, so {@code loop.index} and {@code loop.last} count only the kept items, as in jinja2.
 */
final class PythonForTag extends ForTag {

    @Override
    public String interpretUnchecked(TagNode tagNode, JinjavaInterpreter interpreter) {
        RenderGuard.current().check();
        LoopHeader header;
        try {
            header = LoopHeader.parse(tagNode.getHelpers());
        } catch (IllegalArgumentException e) {
            throw new InterpretException(e.getMessage(), tagNode.getLineNumber(), tagNode.getStartPosition());
        }
        Object value = interpreter.resolveELExpression(header.iterable(), tagNode.getLineNumber());
        Collection<?> items = PythonIteration.loopItems(value);
        if (header.variables().size() > 1) items = unpackable(items);
        if (header.condition() != null) {
            items = keepMatching(items, header, interpreter, tagNode.getLineNumber());
        }
        return renderForCollection(tagNode, interpreter, header.variables(), items);
    }

    /**
     * For {@code for a, b in xs}: each item as a pair jinjava can unpack (str and dict items become the
     * lists Python would unpack). Anything else is refused, as Python refuses; jinjava would instead read
     * the names as Java bean properties of the item, e.g. {@code class} as {@code getClass()}.
     */
    private static List<Object> unpackable(Collection<?> items) {
        List<Object> out = new ArrayList<>(items.size());
        for (Object item : items) {
            if (item instanceof Map.Entry<?, ?> || item instanceof List<?>) out.add(item);
            else if (item instanceof CharSequence || item instanceof Map<?, ?>) out.add(new ArrayList<>(PythonIteration.loopItems(item)));
            else throw RenderGuard.current().fail("cannot unpack non-iterable " + CallArgs.typeName(item) + " object");
        }
        return out;
    }

    private static List<Object> keepMatching(Collection<?> items, LoopHeader header, JinjavaInterpreter interpreter,
                                             int line) {
        List<Object> kept = new ArrayList<>();
        for (Object item : items) {
            try (var scope = interpreter.enterScope()) {
                bind(header.variables(), item, interpreter);
                if (PythonValues.truthy(interpreter.resolveELExpression(header.condition(), line))) kept.add(item);
            }
        }
        return kept;
    }

    /** Binds one item to the loop names, unpacking pairs the way jinjava's loop body will. */
    private static void bind(List<String> names, Object item, JinjavaInterpreter interpreter) {
        if (names.size() == 1) {
            interpreter.getContext().put(names.get(0), item);
            return;
        }
        List<?> parts = item instanceof Map.Entry<?, ?> e ? java.util.Arrays.asList(e.getKey(), e.getValue())
                : item instanceof List<?> l ? l : List.of();
        for (int i = 0; i < names.size(); i++) {
            interpreter.getContext().put(names.get(i), i < parts.size() ? parts.get(i) : null);
        }
    }
}
