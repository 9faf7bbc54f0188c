package dev.sparkllm.engine.cpu;

/**
 * A packed quantized weight matrix as {@link MatMul} sees it. Rows are stored in groups of
 * {@link #GROUP_ROWS}, interleaved column by column, so that one 256-bit vector holds one column
 * of eight rows: the kernels decode it in registers, multiply it by one activation broadcast per
 * token, and write eight rows' results with one vector store. Activations stay float.
 *
 * <p>Every (row, token) result is computed the same way whatever the kernel variant (the
 * variants only differ in how many tokens and row groups they carry at once), as
 * {@link #referenceDot} spells out: per scale group, one fused multiply-add chain of the raw
 * quants times the activations in ascending column order, then the group's scale (and min) applied
 * to the running total. So a row's result does not depend on how many tokens share its step
 * (batch invariance), bit for bit.
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
     * out[outOff + t * rows + r] = row r . token t of in, for tokens t in [tokenFrom, tokenTo)
     * and the rows of groups [groupFrom, groupTo).
     */
    void multiply(TileInput in, int tokenFrom, int tokenTo, int groupFrom, int groupTo, float[] out, int outOff);

    /** The block of columns whose activation sums {@link #multiply} reads ({@link TileInput}), 0 for none. */
    int sumBlock();

    /**
     * Row r times x[xOff .. xOff + cols), as a plain scalar loop doing exactly the arithmetic of the
     * kernels: the specification of the tiles, and their oracle in tests.
     */
    float referenceDot(int r, float[] x, int xOff);

    /** Row r decoded to floats into dst[dstOff ..] (scale * q + min, one FMA): the weights the kernels multiply by. */
    void decodeRow(int r, float[] dst, int dstOff);
}
