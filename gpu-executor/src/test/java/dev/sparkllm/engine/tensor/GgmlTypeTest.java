package dev.sparkllm.engine.tensor;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * GgmlType's ids and block layouts against gguf-py's table (gguf.constants.GGMLQuantizationType
 * and GGML_QUANT_SIZES, copied here as {id, weights per block, bytes per block}): a wrong size
 * would make the GGUF parser reject, or misplace, every tensor of that type.
 */
class GgmlTypeTest {
    private static final Map<String, int[]> GGUF_PY = Map.ofEntries(
            entry("F32", new int[] {0, 1, 4}),
            entry("F16", new int[] {1, 1, 2}),
            entry("Q4_0", new int[] {2, 32, 18}),
            entry("Q4_1", new int[] {3, 32, 20}),
            entry("Q5_0", new int[] {6, 32, 22}),
            entry("Q5_1", new int[] {7, 32, 24}),
            entry("Q8_0", new int[] {8, 32, 34}),
            entry("Q2_K", new int[] {10, 256, 84}),
            entry("Q3_K", new int[] {11, 256, 110}),
            entry("Q4_K", new int[] {12, 256, 144}),
            entry("Q5_K", new int[] {13, 256, 176}),
            entry("Q6_K", new int[] {14, 256, 210}),
            entry("IQ4_NL", new int[] {20, 32, 18}),
            entry("IQ4_XS", new int[] {23, 256, 136}),
            entry("BF16", new int[] {30, 1, 2}));

    @Test
    void idsAndBlockSizesAreGgufPys() {
        assertEquals(GGUF_PY.size(), GgmlType.values().length, "a type without a row in the table");
        for (GgmlType t : GgmlType.values()) {
            int[] want = GGUF_PY.get(t.name());
            assertEquals(want[0], t.id, t + " id");
            assertEquals(want[1], t.blockSize, t + " block size");
            assertEquals(want[2], t.bytesPerBlock, t + " bytes per block");
            assertEquals(t, GgmlType.byId(want[0]));
        }
    }
}
