package dev.sparkllm.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tiles a packed quantized format implements, and the one loop that covers any
 * (tokens x row groups) range with them.
 *
 * <p>Why several shapes: each (row, token) accumulator is one FMA chain, and an FMA waits about
 * four cycles for the one before it, so a tile must carry at least eight independent chains to
 * keep AVX2's two FMA ports busy; and it must keep its accumulators, the decoded weights and one
 * broadcast activation within the 16 vector registers. Eight tokens of one group carry eight
 * chains. The smaller shapes (four tokens of one group, one token of three groups) carry fewer,
 * because they are sized to what Java 17's C2 inlines into one method: past its node budget
 * (NodeCountInliningCutoff, not settable in product JVMs) it stops inlining the Vector API calls
 * of the rest of the method, and each one left runs as a call on a boxed vector, several times
 * slower. Four tokens of two groups and one token of four groups crossed that line. The
 * single-token single-group tile covers what is left over. All shapes compute each (row, token)
 * identically.
 *
 * <p>Arguments: x0 is the offset of the tile's first token in x (token i at x0 + i * cols); o0 is
 * the offset of that token's output row (token i's row r at o0 + i * rows + r).
 */
interface TileKernels {
    VectorSpecies<Float> F = FloatVector.SPECIES_256;

    int rows();

    int cols();

    /** Eight tokens times group g. */
    void tokens8(float[] x, int x0, int g, float[] out, int o0);

    /** Four tokens times group g. */
    void tokens4(float[] x, int x0, int g, float[] out, int o0);

    /** One token times groups g .. g + 2. */
    void groups3(float[] x, int x0, int g, float[] out, int o0);

    /** One token times group g. */
    void single(float[] x, int x0, int g, float[] out, int o0);

    /** Tokens [tokenFrom, tokenTo) times groups [groupFrom, groupTo), in the tiles above. */
    static void cover(TileKernels k, float[] x, int xOff, int tokenFrom, int tokenTo, int groupFrom, int groupTo,
                      float[] out, int outOff) {
        int rows = k.rows(), cols = k.cols();
        int t = tokenFrom;
        for (; t + 8 <= tokenTo; t += 8) {
            for (int g = groupFrom; g < groupTo; g++) k.tokens8(x, xOff + t * cols, g, out, outOff + t * rows);
        }
        if (t + 4 <= tokenTo) {
            for (int g = groupFrom; g < groupTo; g++) k.tokens4(x, xOff + t * cols, g, out, outOff + t * rows);
            t += 4;
        }
        for (; t < tokenTo; t++) {
            int g = groupFrom;
            for (; g + 3 <= groupTo; g += 3) k.groups3(x, xOff + t * cols, g, out, outOff + t * rows);
            for (; g < groupTo; g++) k.single(x, xOff + t * cols, g, out, outOff + t * rows);
        }
    }

    /** Stores group g's eight row results at out[o + 8g ..], only the rows that exist in the last group. */
    static void store(FloatVector acc, float[] out, int o, int g, int rows) {
        int valid = rows - g * QuantizedMatrix.GROUP_ROWS;
        if (valid >= QuantizedMatrix.GROUP_ROWS) {
            acc.intoArray(out, o + g * QuantizedMatrix.GROUP_ROWS);
        } else {
            acc.intoArray(out, o + g * QuantizedMatrix.GROUP_ROWS, VectorMask.fromLong(F, (1L << valid) - 1));
        }
    }
}
