package dev.sparkllm.engine.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaProcessors;
import com.hubspot.jinjava.interpret.Context.Library;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.loader.ResourceLocator;
import java.lang.reflect.Method;
import java.nio.charset.Charset;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A jinjava engine set up to behave like the jinja2 environment transformers renders chat templates
 * with ({@code ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)} plus
 * {@code raise_exception}, {@code strftime_now} and its own {@code tojson}), and to be a sandbox:
 *
 * <ul>
 *   <li>only allowlisted tags, filters and functions exist (no include/import/extends/from, no
 *       date/random/type functions), and templates can load no other file;</li>
 *   <li>attribute access and method calls go through {@link SandboxResolver} (no reflection);</li>
 *   <li>nested interpretation is off, so text in messages that looks like {@code {{ ... }}} stays text;</li>
 *   <li>every node, call and filter checks the render's {@link RenderGuard} (time, size, first failure);
 *       jinjava's own output, list and macro-recursion limits back that up.</li>
 * </ul>
 */
final class SandboxedJinja {

    private static final Set<String> ALLOWED_TAGS = Set.of(
            "for", "endfor", "if", "elif", "else", "endif", "set", "endset", "macro", "endmacro", "call", "endcall",
            "break", "continue", "raw", "endraw", "generation", "endgeneration");

    private static final Set<String> ALLOWED_FUNCTIONS = Set.of(
            ":range", ":namespace", ":raise_exception", ":strftime_now");

    /** jinja2's built-in filters that chat templates use; jinjava's versions of the rest are refused. */
    private static final Set<String> ALLOWED_FILTERS = Set.of(
            "abs", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape", "first",
            "float", "forceescape", "groupby", "indent", "int", "items", "join", "last", "length", "list", "lower",
            "map", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr", "slice",
            "sort", "string", "sum", "title", "tojson", "trim", "truncate", "unique", "upper", "wordcount",
            "wordwrap");

    private final Jinjava jinjava;

    SandboxedJinja(ChatTemplateLimits limits) {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(false) // done by TemplateRewriter: jinjava strips more than jinja2
                .withNestedInterpretationEnabled(false)
                .withLegacyOverrides(pythonBehaviour())
                .withEnableRecursiveMacroCalls(true)
                .withMaxMacroRecursionDepth(limits.maxMacroDepth())
                .withMaxOutputSize(limits.maxOutputChars())
                .withMaxListSize(limits.maxCollectionSize())
                .withMaxMapSize(limits.maxCollectionSize())
                .withRangeLimit(limits.maxRangeLength())
                .withMaxRenderDepth(1)
                .withElResolver(new SandboxResolver())
                .withInterperterFactory(new PythonInterpreter.Factory())
                .withProcessors(JinjavaProcessors.newBuilder()
                        .withNodePreProcessor((node, interpreter) -> RenderGuard.current().check())
                        .build())
                .withDisabled(RefusedNames.MAP)
                .build();
        jinjava = new Jinjava(config);
        jinjava.setResourceLocator(new NoResources());
        register();
    }

    /** The jinja2 behaviours jinjava keeps behind "legacy override" switches. */
    private static LegacyOverrides pythonBehaviour() {
        return LegacyOverrides.newBuilder()
                .withEvaluateMapKeys(true)           // {key: v} uses the variable key, as in Python
                .withIterateOverMapKeys(true)        // for k in dict visits keys
                .withUseNaturalOperatorPrecedence(true) // a + b | f  filters b only
                .withParseWhitespaceControlStrictly(true)
                .withAllowAdjacentTextNodes(true)
                .withUseTrimmingForNotesAndExpressions(true) // {{- x -}} and {#- -#} trim like blocks do
                .withKeepNullableLoopValues(true)
                // whitespaceRequiredWithinTokens stays off: jinja2 accepts {{x}} and {%if%}.
                .build();
    }

    private void register() {
        for (Filter f : jinjava.getGlobalContext().getAllFilters()) {
            if (ALLOWED_FILTERS.contains(f.getName())) jinjava.registerFilter(new SizeCheckedFilter(f));
        }
        PythonFilters.all().forEach(jinjava::registerFilter);
        PythonTests.all().forEach(jinjava::registerExpTest);
        jinjava.registerTag(new PythonForTag());
        jinjava.registerTag(new GenerationTag());
        registerFunction("raise_exception", "raiseException", Object.class);
        registerFunction("strftime_now", "strftimeNow", Object.class);
        registerFunction("range", "range", Object.class, Object[].class);
    }

    private void registerFunction(String name, String method, Class<?>... parameterTypes) {
        try {
            Method m = TemplateFunctions.class.getDeclaredMethod(method, parameterTypes);
            m.setAccessible(true); // package-private on purpose: only the engine may call these
            jinjava.registerFunction(new ELFunctionDefinition("", name, m));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Renders on the calling thread; the caller binds the {@link RenderGuard} first. */
    RenderResult render(String source, Map<String, ?> bindings) {
        return jinjava.renderForResult(source, bindings);
    }

    /** Everything jinjava ships that is not allowlisted, computed once from a default engine. */
    private static final class RefusedNames {
        static final Map<Library, Set<String>> MAP;

        static {
            Jinjava defaults = new Jinjava();
            MAP = Map.of(
                    Library.TAG, refused(names(defaults.getGlobalContext().getAllTags()), ALLOWED_TAGS),
                    Library.FILTER, refused(names(defaults.getGlobalContext().getAllFilters()), ALLOWED_FILTERS),
                    Library.FUNCTION, refused(functionNames(defaults.getGlobalContext().getAllFunctions()), ALLOWED_FUNCTIONS));
        }
    }

    private static Set<String> names(java.util.Collection<? extends com.hubspot.jinjava.lib.Importable> items) {
        return items.stream().map(com.hubspot.jinjava.lib.Importable::getName).collect(Collectors.toSet());
    }

    private static Set<String> functionNames(java.util.Collection<ELFunctionDefinition> functions) {
        return functions.stream().map(ELFunctionDefinition::getName).collect(Collectors.toSet());
    }

    private static Set<String> refused(Set<String> all, Set<String> allowed) {
        Set<String> refused = new HashSet<>(all);
        refused.removeAll(allowed);
        return refused;
    }

    /** Chat templates are self-contained: include/import are refused, and this backs that up. */
    private static final class NoResources implements ResourceLocator {
        @Override
        public String getString(String fullName, Charset encoding, com.hubspot.jinjava.interpret.JinjavaInterpreter interpreter)
                throws java.io.IOException {
            throw new java.io.IOException("chat templates cannot load other files (" + fullName + ")");
        }
    }
}
