package dev.sparkllm.engine.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TemplateRewriterTest {

    private static String rw(String source) {
        return TemplateRewriter.rewrite(source);
    }

    @Test
    void unaryNotTakesTheWholeComparisonTestOrFilter() {
        assertEquals("{% if not (x is defined) %}", rw("{% if not x is defined %}"));
        assertEquals("{{ not (a == b) and not (c) }}", rw("{{ not a == b and not c }}"));
        assertEquals("{{ x if not (y) else z }}", rw("{{ x if not y else z }}"));
        assertEquals("{{ f(not (a|length == 1), b) }}", rw("{{ f(not a|length == 1, b) }}"));
    }

    @Test
    void binaryNotOperatorsAreLeftAlone() {
        assertEquals("{{ a is not none }}", rw("{{ a is not none }}"));
        assertEquals("{{ 'x' not in y }}", rw("{{ 'x' not in y }}"));
    }

    @Test
    void slicesBecomePythonSliceCalls() {
        String m = TemplateRewriter.SLICE_METHOD;
        assertEquals("{{ messages." + m + "(1, none, none) }}", rw("{{ messages[1:] }}"));
        assertEquals("{{ x." + m + "(none, -1, none) }}", rw("{{ x[:-1] }}"));
        assertEquals("{{ x." + m + "(none, none, -1) }}", rw("{{ x[::-1] }}"));
        assertEquals("{{ a[0]." + m + "(i + 1, none, none) }}", rw("{{ a[0][i + 1:] }}"));
        assertEquals("{{ [1, 2][0] }}", rw("{{ [1, 2][0] }}"));
        assertEquals("{{ {'a': 1}['a'] }}", rw("{{ {'a': 1}['a'] }}"));
    }

    @Test
    void binaryPlusBeforeADigitGetsASpace() {
        assertEquals("{{ n+ 1 }}", rw("{{ n+1 }}"));
        assertEquals("{{ x[i+ 1] }}", rw("{{ x[i+1] }}"));
        assertEquals("{{ +1 }}", rw("{{ +1 }}"));
    }

    @Test
    void textStringsCommentsAndRawBlocksAreUntouched() {
        assertEquals("not x[1:] n+1", rw("not x[1:] n+1"));
        assertEquals("{{ 'not x[1:] n+1' }}", rw("{{ 'not x[1:] n+1' }}"));
        assertEquals("{# not x[1:] #}", rw("{# not x[1:] #}"));
        assertEquals("{% raw %}{{ not x[1:] }}{% endraw %}", rw("{% raw %}{{ not x[1:] }}{% endraw %}"));
    }

    @Test
    void lstripBlocksOnlyStripsIndentationAtTheStartOfALine() {
        assertEquals("a\n{% if x %}", rw("a\n   {% if x %}"));
        assertEquals("{% if x %}", rw("\t {% if x %}"));
        assertEquals("a   {% if x %}", rw("a   {% if x %}"));
        assertEquals("{{ x }} {% if y %}", rw("{{ x }} {% if y %}"));
        assertEquals("a\n{# c #}", rw("a\n  {# c #}"));
        assertEquals("a\n  {{ x }}", rw("a\n  {{ x }}"));
        assertEquals("a\n  {% if x %}", rw("a\n  {%+ if x %}"));
    }

    @Test
    void whitespaceControlSignsSurvive() {
        assertEquals("{%- if not (x) -%}", rw("{%- if not x -%}"));
        assertEquals("{{- x." + TemplateRewriter.SLICE_METHOD + "(1, none, none) -}}", rw("{{- x[1:] -}}"));
    }
}
