package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The register tiles of every packed quantized format against a plain scalar loop over the same
 * decoded weights: one fused multiply-add per column, in column order. The kernels promise exactly
 * that arithmetic, so the comparison is bit for bit: a wrong nibble, a swapped column or a lane
 * written to the wrong row fails, and so does any tile shape that sums in another order (which
 * would break batch invariance). Shapes are awkward on purpose: a single row, row counts that
 * leave a partial group of 8 and a partial tile of 4 groups, token counts that leave every
 * remainder of the 8- and 4-token tiles, and K-quant blocks whose scales span many binades.
 */
class QuantizedKernelTest {

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, mode = EnumSource.Mode.EXCLUDE, names = {"F32", "F16", "BF16"})
    void everyTileEqualsTheScalarChain(GgmlType type) {
        Random rnd = new Random(type.ordinal() * 31L);
        int cols = type.blockSize == 256 ? 512 : 96;
        for (int rows : new int[] {1, 7, 8, 13, 40, 75}) {
            checkTiles(type, TestQuantizer.randomBlocks(type, rows, cols, rnd), rnd);
        }
        // Block and super-block scales that are extreme halves: max, subnormal, zero, negative.
        short[] extremes = {0x7BFF, (short) 0xFBFF, 0x0001, 0x0000, 0x3C00, (short) 0xBC00, 0x5BFF};
        checkTiles(type, TestQuantizer.randomBlocks(type, 13, cols, rnd, () -> extremes[rnd.nextInt(extremes.length)]), rnd);
    }

    private static void checkTiles(GgmlType type, WeightTensor w, Random rnd) {
        int rows = w.rows(), cols = w.cols();
        QuantizedMatrix packed = (QuantizedMatrix) PackedWeights.of(w);
        float[] decoded = new float[rows * cols];
        for (int r = 0; r < rows; r++) packed.decodeRow(r, decoded, r * cols);
        for (int tokens : new int[] {1, 2, 3, 4, 5, 8, 9, 12, 15, 19}) {
            float[] x = new float[1 + tokens * cols];
            for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * Math.pow(2, rnd.nextInt(9) - 4));
            float[] out = new float[2 + tokens * rows];
            packed.multiply(x, 1, 0, tokens, 0, packed.groups(), out, 2);
            for (int t = 0; t < tokens; t++) {
                for (int r = 0; r < rows; r++) {
                    float acc = 0f;
                    for (int k = 0; k < cols; k++) acc = Math.fma(decoded[r * cols + k], x[1 + t * cols + k], acc);
                    assertEquals(acc, out[2 + t * rows + r], 0f,
                            type + " " + rows + " rows, " + tokens + " tokens: row " + r + " token " + t);
                }
            }
            assertEquals(0f, out[0]);
            assertEquals(0f, out[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, mode = EnumSource.Mode.EXCLUDE, names = {"F32", "F16", "BF16"})
    void packedRowsDecodeLikeDequantize(GgmlType type) {
        Random rnd = new Random(42);
        checkDecode(type, TestQuantizer.randomBlocks(type, 11, 256, rnd));
        // Scales at the ends of f16's range, zero and negative, drawn per block and super-block.
        short[] extremes = {0x7BFF, (short) 0xFBFF, 0x0001, (short) 0x8001, 0x0000, 0x3C00, (short) 0xBC00, 0x0400, 0x5BFF};
        checkDecode(type, TestQuantizer.randomBlocks(type, 11, 512, rnd, () -> extremes[rnd.nextInt(extremes.length)]));
    }

    private static void checkDecode(GgmlType type, WeightTensor w) {
        QuantizedMatrix packed = (QuantizedMatrix) PackedWeights.of(w);
        boolean fused = packed instanceof PackedQ4 || ((PackedQ8) packed).mins != null;
        float[] decoded = new float[w.cols()];
        float[] row = new float[w.cols()];
        for (int r = 0; r < w.rows(); r++) {
            packed.decodeRow(r, decoded, 0);
            Dequantize.row(w, r, row, 0);
            for (int j = 0; j < w.cols(); j++) {
                String what = type + " row " + r + " col " + j;
                if (fused) {
                    // scale * q + min in one FMA where ggml rounds twice: at most one rounding of the
                    // product apart, which is within a few ulps unless the two terms cancel.
                    assertEquals(row[j], decoded[j], Math.ulp(row[j]) * 2 + 1e-30f, what);
                } else {
                    // scale * q: the same single product as Dequantize.
                    assertEquals(Float.floatToIntBits(row[j]), Float.floatToIntBits(decoded[j]), what);
                }
            }
        }
    }
}
