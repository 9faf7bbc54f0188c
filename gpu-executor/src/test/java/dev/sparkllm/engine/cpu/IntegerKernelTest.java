package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The integer kernels against the same sum computed in double from the same packed weights and
 * the same 8-bit activations, so that only float rounding separates them (1e-5 relative): an
 * off-by-one in the packed nibble arithmetic, which MatMulTest's activation-rounding tolerance
 * would absorb, fails here. Also checks packing against Dequantize and the activation quantizer.
 */
class IntegerKernelTest {

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q4_1", "Q4_K", "Q8_0", "Q6_K"})
    void kernelEqualsIntegerReference(GgmlType type) {
        Random rnd = new Random(type.ordinal());
        int rows = 9;
        int cols = 512;
        WeightTensor w = TestQuantizer.randomBlocks(type, rows, cols, rnd);
        QuantizedMatrix packed = (QuantizedMatrix) PackedWeights.of(w);
        int tokens = 3;
        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * (1 + i % 5));
        x[7] = 0;
        for (int i = 32; i < 64; i++) x[i] = 0;       // an all-zero block: scale 0
        Q8Activations acts = new Q8Activations();
        acts.quantize(x, 0, cols, tokens);
        float[] decoded = new float[rows * cols];
        packed.dequantizeRows(0, rows, decoded);
        float[] out = new float[rows];
        for (int t = 0; t < tokens; t++) {
            packed.matvec(acts, t, out, 0, 0, rows);
            for (int r = 0; r < rows; r++) {
                double exact = 0;
                double magnitude = 0;
                for (int j = 0; j < cols; j++) {
                    int b = (t * cols + j) / 32;
                    double xq = acts.scales[b] * acts.shorts[t * cols + j];
                    exact += decoded[r * cols + j] * xq;
                    magnitude += Math.abs(decoded[r * cols + j] * xq);
                }
                assertEquals(exact, out[r], 1e-5 * magnitude + 1e-7, type + " row " + r + " token " + t);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q4_1", "Q4_K", "Q8_0", "Q6_K"})
    void packedRowsDecodeLikeDequantize(GgmlType type) {
        WeightTensor w = TestQuantizer.randomBlocks(type, 5, 256, new Random(42));
        QuantizedMatrix packed = (QuantizedMatrix) PackedWeights.of(w);
        float[] decoded = new float[3 * 256];
        packed.dequantizeRows(2, 3, decoded);
        float[] row = new float[256];
        for (int r = 0; r < 3; r++) {
            Dequantize.row(w, 2 + r, row, 0);
            for (int j = 0; j < 256; j++) {
                // The packed decode may fuse scale * q + min into one FMA: one rounding apart at most.
                assertEquals(row[j], decoded[r * 256 + j], Math.ulp(row[j]) * 2 + 1e-30f, type + " row " + r + " col " + j);
            }
        }
    }

    @Test
    void activationQuantizationIsSymmetricEightBit() {
        Random rnd = new Random(9);
        float[] x = new float[96];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian() * 3;
        Q8Activations acts = new Q8Activations();
        acts.quantize(x, 0, 96, 1);
        for (int b = 0; b < 3; b++) {
            float amax = 0;
            int sum = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b * 32 + j]));
            assertEquals(Float16.toFloat(Float16.fromFloat(amax / 127)), acts.scales[b]);
            for (int j = 0; j < 32; j++) {
                int q = acts.shorts[b * 32 + j];
                assertTrue(q >= -127 && q <= 127);
                assertTrue(Math.abs(q * acts.scales[b] - x[b * 32 + j]) <= acts.scales[b] * 0.51f);
                sum += q;
            }
            assertEquals(acts.scales[b] * sum, acts.scaledSums[b]);
            for (int k = 0; k < 16; k++) {
                int even = acts.shorts[b * 32 + 2 * k];
                int odd = acts.shorts[b * 32 + 2 * k + 1];
                assertEquals(odd + 65536 * even, acts.pairs[b * 16 + k]);
            }
        }
    }
}
