package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Dequantize against gguf-py's independent numpy decoder: the fixtures in
 * resources/quant-fixtures are raw GGUF blocks and the floats gguf.quants.dequantize makes of
 * them (written by src/test/python/make_quant_fixtures.py). Every value must match bit for bit,
 * NaN payloads and signed zeros included.
 */
class DequantizeFixtureTest {

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void rowMatchesGgufPyBitForBit(GgmlType type) throws IOException {
        byte[] blocks = resource(type + ".blocks");
        float[] expected = floats(resource(type + ".f32"));
        int n = expected.length;
        WeightTensor w = new WeightTensor("fixture", type, 1, n, ByteBuffer.wrap(blocks));
        float[] actual = new float[n + 3];
        Dequantize.row(w, 0, actual, 3);
        for (int i = 0; i < n; i++) {
            assertBits(expected[i], actual[3 + i], type + " element " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void valueAndMultiRowLayoutAgree(GgmlType type) throws IOException {
        byte[] blocks = resource(type + ".blocks");
        float[] expected = floats(resource(type + ".f32"));
        // Same bytes seen as one block per row: row r starts at r * bytesPerBlock.
        int rows = expected.length / type.blockSize;
        WeightTensor w = new WeightTensor("fixture", type, rows, type.blockSize, ByteBuffer.wrap(blocks));
        float[] row = new float[type.blockSize];
        for (int r = 0; r < rows; r++) {
            Dequantize.row(w, r, row, 0);
            for (int c = 0; c < type.blockSize; c++) {
                float want = expected[r * type.blockSize + c];
                assertBits(want, row[c], type + " row " + r + " col " + c);
                assertBits(want, Dequantize.value(w, r, c), type + " value(" + r + ", " + c + ")");
            }
        }
    }

    private static void assertBits(float expected, float actual, String what) {
        if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(actual)) {
            fail(what + ": expected " + expected + " (0x" + Integer.toHexString(Float.floatToRawIntBits(expected))
                    + ") but was " + actual + " (0x" + Integer.toHexString(Float.floatToRawIntBits(actual)) + ")");
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DequantizeFixtureTest.class.getResourceAsStream("/quant-fixtures/" + name)) {
            assertNotNull(in, "missing fixture " + name + ": run src/test/python/make_quant_fixtures.py");
            return in.readAllBytes();
        }
    }

    private static float[] floats(byte[] bytes) {
        assertEquals(0, bytes.length % 4);
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
