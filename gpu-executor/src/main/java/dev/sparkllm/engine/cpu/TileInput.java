package dev.sparkllm.engine.cpu;

/**
 * A step's activations as the register tiles read them: token t's column k at
 * {@code x[offset + t * cols + k]}, and, for formats whose weights carry a min term
 * (weight = scale * q + min), the sum of each token's 32-column blocks.
 *
 * <p>Why the sums: a block's dot product is scale * (q . x) + min * sum(x). The tiles accumulate
 * the integer-valued q . x per block and apply scale and min once per block, instead of decoding
 * every weight with a multiply-add; that takes one of the three vector operations per weight out
 * of the innermost loop. The sum is a plain float sum in column order, the same for every step
 * size, so batch invariance holds.
 */
final class TileInput {
    /** Columns per summed block: the 32-weight blocks of the 4-bit formats. */
    static final int SUM_BLOCK = 32;

    final float[] x;
    final int offset;
    final int cols;
    /** Token t's block b at {@code blockSums[t * cols / SUM_BLOCK + b]}; null when not asked for. */
    final float[] blockSums;

    private TileInput(float[] x, int offset, int cols, float[] blockSums) {
        this.x = x;
        this.offset = offset;
        this.cols = cols;
        this.blockSums = blockSums;
    }

    /** The activations of tokens [0, nTokens), with their block sums when {@code withSums}. */
    static TileInput of(float[] x, int offset, int cols, int nTokens, boolean withSums) {
        if (!withSums) return new TileInput(x, offset, cols, null);
        if (cols % SUM_BLOCK != 0) throw new IllegalArgumentException(cols + " columns is not a whole number of blocks of " + SUM_BLOCK);
        int blocks = cols / SUM_BLOCK;
        float[] sums = new float[Math.multiplyExact(nTokens, blocks)];
        for (int t = 0; t < nTokens; t++) {
            for (int b = 0; b < blocks; b++) sums[t * blocks + b] = blockSum(x, offset + t * cols + b * SUM_BLOCK);
        }
        return new TileInput(x, offset, cols, sums);
    }

    /** The sum of x[from .. from + 32) in column order. */
    static float blockSum(float[] x, int from) {
        float s = 0f;
        for (int k = 0; k < SUM_BLOCK; k++) s += x[from + k];
        return s;
    }

    /** Index in x of token t's first column. */
    int at(int t) {
        return offset + t * cols;
    }

    /** Index in blockSums of token t's first block. */
    int sumsAt(int t) {
        return t * (cols / SUM_BLOCK);
    }
}
