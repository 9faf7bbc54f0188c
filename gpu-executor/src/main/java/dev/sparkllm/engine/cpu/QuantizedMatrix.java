package dev.sparkllm.engine.cpu;

/**
 * A packed quantized weight matrix as {@link MatMul} sees it. Rows are stored in groups of
 * {@link #GROUP_ROWS}, interleaved column by column, so that one 256-bit vector holds one column
 * of eight rows: the kernels decode it in registers, multiply it by one activation broadcast per
 * token, and write eight rows' results with one vector store. Activations stay float.
 *
 * <p>Every (row, token) result is one fused multiply-add chain over the columns in ascending
 * order, with the weight decoded the same way (scale * q + min, one FMA) whatever the kernel
 * variant; the variants only differ in how many tokens and row groups they carry at once. So a
 * row's result does not depend on how many tokens share its step (batch invariance), bit for bit.
 */
sealed interface QuantizedMatrix permits PackedQ4, PackedQ8 {
    /** Rows per interleaved group: the float lanes of one 256-bit vector. */
    int GROUP_ROWS = 8;

    int rows();

    int cols();

    /** Row groups, the last one padded with zero rows when rows is not a multiple of 8. */
    default int groups() {
        return (rows() + GROUP_ROWS - 1) / GROUP_ROWS;
    }

    /**
     * out[outOff + t * rows + r] = row r . x[xOff + t * cols ..] for tokens t in [tokenFrom, tokenTo)
     * and the rows of groups [groupFrom, groupTo).
     */
    void multiply(float[] x, int xOff, int tokenFrom, int tokenTo, int groupFrom, int groupTo, float[] out, int outOff);

    /** Row r decoded to floats into dst[dstOff ..], exactly as the kernels decode it. */
    void decodeRow(int r, float[] dst, int dstOff);
}
