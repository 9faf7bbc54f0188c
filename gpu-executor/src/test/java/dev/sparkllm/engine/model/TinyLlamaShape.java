package dev.sparkllm.engine.model;

/**
 * The matrix sizes of a tiny test model (the vocabulary size comes from {@link TinyVocabulary}).
 * Fewer kv heads than heads so grouped-query attention and the converter's K permutation by kv
 * head are both exercised.
 */
record TinyLlamaShape(int dim, int ffnDim, int layers, int heads, int kvHeads, int headDim) {
    static final TinyLlamaShape DEFAULT = new TinyLlamaShape(64, 128, 2, 4, 2, 16);

    int qDim() { return heads * headDim; }
    int kvDim() { return kvHeads * headDim; }
}
