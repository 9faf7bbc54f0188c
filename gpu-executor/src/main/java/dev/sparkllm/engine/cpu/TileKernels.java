package dev.sparkllm.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tiles a packed quantized format implements, and the one loop that covers any
 * (tokens x row groups) range with them.
 *
 * <p>Why several shapes: each (row, token) accumulator is one FMA chain, and an FMA waits about
 * four cycles for the one before it, so a tile must carry several independent chains to keep
 * AVX2's two FMA ports busy; and it must keep its accumulators, the decoded weights and the
 * broadcast activations within the 16 vector registers. Four tokens of one group carry four
 * block chains and four totals; one token of three groups carries three of each. An eight-token
 * tile spilled its accumulators and ran slower per token than the four-token one. The shapes are
 * also sized to what Java 17's C2 inlines into one method: past its node budget
 * (NodeCountInliningCutoff, not settable in product JVMs) it stops inlining the Vector API calls
 * of the rest of the method, and each one left runs as a call on a boxed vector, several times
 * slower. The single-token single-group tile covers what is left over. All shapes compute each
 * (row, token) identically.
 *
 * <p>Arguments: t is the tile's first token, an index into {@link TileInput}; o0 is the offset
 * of that token's output row (token t + i's row r at o0 + i * rows + r).
 */
interface TileKernels {
    VectorSpecies<Float> F = FloatVector.SPECIES_256;

    int rows();

    /** Four tokens times group g. */
    void tokens4(TileInput in, int t, int g, float[] out, int o0);

    /**
     * One token times groups g .. g + 2, all three whole (eight rows each): this tile stores without
     * a mask, which keeps it under C2's node budget.
     */
    void groups3(TileInput in, int t, int g, float[] out, int o0);

    /** One token times group g. */
    void single(TileInput in, int t, int g, float[] out, int o0);

    /** Tokens [tokenFrom, tokenTo) times groups [groupFrom, groupTo), in the tiles above. */
    static void cover(TileKernels k, TileInput in, int tokenFrom, int tokenTo, int groupFrom, int groupTo,
                      float[] out, int outOff) {
        int rows = k.rows();
        int wholeGroupsTo = Math.min(groupTo, rows / QuantizedMatrix.GROUP_ROWS);
        int t = tokenFrom;
        for (; t + 4 <= tokenTo; t += 4) {
            for (int g = groupFrom; g < groupTo; g++) k.tokens4(in, t, g, out, outOff + t * rows);
        }
        for (; t < tokenTo; t++) {
            int g = groupFrom;
            for (; g + 3 <= wholeGroupsTo; g += 3) k.groups3(in, t, g, out, outOff + t * rows);
            for (; g < groupTo; g++) k.single(in, t, g, out, outOff + t * rows);
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
