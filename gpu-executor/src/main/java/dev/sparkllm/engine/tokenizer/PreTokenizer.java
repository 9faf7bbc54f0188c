package dev.sparkllm.engine.tokenizer;

/**
 * Splits text into the pieces ("words") that BPE merges never cross, as the regex stage of a
 * byte-level BPE tokenizer does. Works on codepoints so that the Unicode classes of
 * supplementary characters (emoji, historic scripts) are seen whole.
 */
interface PreTokenizer {
    /**
     * Splits {@code codepoints[from, to)} and appends the end offset of every piece, in order, to
     * {@code ends}. The pieces cover the whole range without gaps and none is empty.
     */
    void split(int[] codepoints, int from, int to, IntList ends);
}
