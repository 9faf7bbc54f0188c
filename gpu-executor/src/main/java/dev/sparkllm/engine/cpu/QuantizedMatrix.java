package dev.sparkllm.engine.cpu;

/**
 * A packed quantized weight matrix as the matmul paths see it: integer dot products with 8-bit
 * activations for few tokens, decoding rows to floats for many.
 */
sealed interface QuantizedMatrix permits PackedQ4, PackedQ8 {
    int rows();

    int cols();

    /** out[outOff + r] = row r . token {@code token} of x, for r in [rowFrom, rowTo). */
    void matvec(Q8Activations x, int token, float[] out, int outOff, int rowFrom, int rowTo);

    /**
     * {@link #matvec} for tokens A and B, bit-identical to two matvec calls; implementations may
     * share the unpacking of each weight block between the two.
     */
    default void matvec2(Q8Activations x, int tokenA, int tokenB, float[] out, int outOffA, int outOffB,
                         int rowFrom, int rowTo) {
        matvec(x, tokenA, out, outOffA, rowFrom, rowTo);
        matvec(x, tokenB, out, outOffB, rowFrom, rowTo);
    }

    /** Rows [row, row + count) as floats into dst, cols per row. */
    void dequantizeRows(int row, int count, float[] dst);
}
