package dev.sparkllm.engine.chat;

import com.hubspot.jinjava.el.TypeConvertingMapELResolver;
import com.hubspot.jinjava.el.ext.JinjavaBeanELResolver;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.util.ForLoop;
import java.beans.FeatureDescriptor;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;
import jinjava.javax.el.PropertyNotWritableException;

/**
 * The only way template expressions reach Java objects: attribute/index reads and method calls on a
 * value ({@code x.y}, {@code x[i]}, {@code x.m(...)}) all land here. It is an allowlist, unlike jinjava's
 * default resolver, which reflects on any object and merely blocks a few method names.
 *
 * <ul>
 *   <li>Reads: keys of dicts, indexes of lists and strings, and the loop object's documented fields.
 *       Any other attribute reads as undefined, and a name starting with {@code _} ({@code __class__},
 *       {@code __globals__}) is a sandbox error, as in jinja2's sandbox.</li>
 *   <li>Calls: the Python str/dict/list methods implemented in this package, plus jinjava's own
 *       filter and test dispatch (which is how {@code x|f} and {@code x is t} are compiled). Nothing
 *       else: no {@code getClass()}, no bean getters, no reflection.</li>
 *   <li>Writes: none (jinjava's {@code {% set ns.x = ... %}} does not go through the resolver).</li>
 * </ul>
 * Every entry also checks the render's time budget, so expression-heavy loops stop on time.
 */
final class SandboxResolver extends ELResolver {

    private static final Set<String> LOOP_FIELDS = Set.of(
            "index", "index0", "first", "last", "length", "revindex", "revindex0", "depth", "depth0");

    private final ELResolver maps = new TypeConvertingMapELResolver(true);
    // Used only for the loop object's getters and for invoking jinjava Filter/ExpTest objects.
    private final ELResolver beans = new JinjavaBeanELResolver(true);

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        if (base == null) return null; // top-level names are jinjava's context lookups, not ours
        RenderGuard.current().check();
        if (base instanceof Map<?, ?>) {
            return maps.getValue(context, base, property);
        }
        if (base instanceof List<?> list && isIndex(property)) {
            context.setPropertyResolved(true);
            return listElement(list, index(property));
        }
        if (base instanceof CharSequence s && isIndex(property)) {
            context.setPropertyResolved(true);
            return character(s.toString(), index(property));
        }
        if (base instanceof ForLoop && property instanceof String name && LOOP_FIELDS.contains(name)) {
            return beans.getValue(context, base, property);
        }
        String name = String.valueOf(property);
        if (name.equals(TemplateRewriter.SLICE_METHOD)) {
            context.setPropertyResolved(true); // looked up before being invoked; it is a method, not a field
            return null;
        }
        if (name.startsWith("_")) {
            throw RenderGuard.current().fail("access to attribute '" + name + "' of a " + CallArgs.typeName(base)
                    + " is not allowed in chat templates");
        }
        // Like jinja2: an attribute that does not exist is undefined, not an error.
        context.setPropertyResolved(true);
        return null;
    }

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base == null || method == null) return null;
        RenderGuard.current().check();
        String name = method.toString();
        if (base instanceof Filter && name.equals("filter")
                || base instanceof ExpTest && (name.equals("evaluate") || name.equals("evaluateNegated"))) {
            return beans.invoke(context, base, method, paramTypes, params);
        }
        Object result;
        if (name.equals(TemplateRewriter.SLICE_METHOD)) {
            result = PythonSlice.apply(base, params);
        } else if (base instanceof CharSequence s && PythonStringMethods.NAMES.contains(name)) {
            result = PythonStringMethods.call(s.toString(), name, params);
        } else if (base instanceof Map<?, ?> map) {
            result = PythonContainerMethods.callDict(map, name, params);
        } else if (base instanceof List<?> list) {
            result = PythonContainerMethods.callList(list, name, params);
        } else if (base instanceof ForLoop loop) {
            result = PythonContainerMethods.callLoop(loop, name, params);
        } else {
            throw RenderGuard.current().fail("calling '" + name + "' on a " + CallArgs.typeName(base)
                    + " is not allowed in chat templates");
        }
        context.setPropertyResolved(true);
        return result;
    }

    /** jinjava hands subscripts over as strings ("0", "-1"), so an index is a string of digits too. */
    private static boolean isIndex(Object property) {
        if (property instanceof Number n) return !(n instanceof Double) && !(n instanceof Float);
        return property instanceof String s && INTEGER.matcher(s).matches();
    }

    private static long index(Object property) {
        return property instanceof Number n ? n.longValue() : Long.parseLong((String) property);
    }

    private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("-?\\d{1,18}");

    /** list[i] with Python's negative indexes; out of range is undefined, as in jinja2. */
    private static Object listElement(List<?> list, long index) {
        if (index < 0) index += list.size();
        return index >= 0 && index < list.size() ? list.get((int) index) : null;
    }

    /** str[i]: one code point, as Python indexes strings; out of range is undefined. */
    private static String character(String s, long index) {
        int length = s.codePointCount(0, s.length());
        if (index < 0) index += length;
        if (index < 0 || index >= length) return null;
        int at = s.offsetByCodePoints(0, (int) index);
        return new String(Character.toChars(s.codePointAt(at)));
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        throw new PropertyNotWritableException("chat templates cannot assign to attributes");
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return Object.class;
    }
}
