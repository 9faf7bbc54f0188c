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

    /** Rows [row, row + count) as floats into dst, cols per row. */
    void dequantizeRows(int row, int count, float[] dst);
}
