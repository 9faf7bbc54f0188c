package dev.sparkllm.engine.cpu;

/**
 * A step's activations as the register tiles read them: token t's column k at
 * {@code x[offset + t * cols + k]}, and, for formats whose weights carry a min term
 * (weight = scale * q + min), the sum of each token's blocks of 16 or 32 columns.
 *
 * <p>Why the sums: a scale group's dot product is scale * (q . x) + min * sum(x). The tiles
 * accumulate the integer-valued q . x per group and apply scale and min once per group, instead
 * of decoding every weight with a multiply-add; that takes one of the three vector operations per
 * weight out of the innermost loop. A sum is a plain float sum in column order, the same for
 * every step size, so batch invariance holds.
 */
final class TileInput {
    final float[] x;
    final int offset;
    final int cols;
    /** Token t's block b of 16 columns at {@code [t * cols / 16 + b]}; null when no matrix asked for it. */
    final float[] sums16;
    /** The same for blocks of 32 columns. */
    final float[] sums32;

    private TileInput(float[] x, int offset, int cols, float[] sums16, float[] sums32) {
        this.x = x;
        this.offset = offset;
        this.cols = cols;
        this.sums16 = sums16;
        this.sums32 = sums32;
    }

    /**
     * The activations of tokens [0, nTokens), with the block sums that the given matrices'
     * {@link QuantizedMatrix#sumBlock} ask for.
     */
    static TileInput of(float[] x, int offset, int cols, int nTokens, QuantizedMatrix... readers) {
        boolean want16 = false, want32 = false;
        for (QuantizedMatrix m : readers) {
            want16 |= m.sumBlock() == 16;
            want32 |= m.sumBlock() == 32;
        }
        return new TileInput(x, offset, cols,
                want16 ? sums(x, offset, cols, nTokens, 16) : null,
                want32 ? sums(x, offset, cols, nTokens, 32) : null);
    }

    private static float[] sums(float[] x, int offset, int cols, int nTokens, int block) {
        if (cols % block != 0) throw new IllegalArgumentException(cols + " columns is not a whole number of blocks of " + block);
        int blocks = cols / block;
        float[] sums = new float[Math.multiplyExact(nTokens, blocks)];
        for (int t = 0; t < nTokens; t++) {
            for (int b = 0; b < blocks; b++) sums[t * blocks + b] = blockSum(x, offset + t * cols + b * block, block);
        }
        return sums;
    }

    /** The sum of x[from .. from + block) in column order. */
    static float blockSum(float[] x, int from, int block) {
        float s = 0f;
        for (int k = 0; k < block; k++) s += x[from + k];
        return s;
    }

    /** Index in x of token t's first column. */
    int at(int t) {
        return offset + t * cols;
    }

    /** The sums of blocks of {@code block} (16 or 32) columns. */
    float[] sums(int block) {
        float[] s = block == 16 ? sums16 : block == 32 ? sums32 : null;
        if (s == null) throw new IllegalStateException("no sums of " + block + " columns were computed for this input");
        return s;
    }

    /** Index in {@link #sums} of token t's first block of {@code block} columns. */
    int sumsAt(int t, int block) {
        return t * (cols / block);
    }
}
