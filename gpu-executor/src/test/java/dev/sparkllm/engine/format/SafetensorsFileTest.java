package dev.sparkllm.engine.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading valid safetensors files, including one written by the reference Python library. */
class SafetensorsFileTest {
    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        Path p = dir.resolve("t.safetensors");
        Files.write(p, bytes);
        return p;
    }

    @Test
    void namesShapesDtypesAndMetadata() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(write(SafetensorsTestWriter.smallValidFile()))) {
            assertEquals(List.of("w", "h", "b", "ids"), List.copyOf(f.tensorNames()));
            assertArrayEquals(new long[] {2, 3}, f.shape("w"));
            assertEquals("BF16", f.dtype("b"));
            assertEquals(Map.of("format", "pt"), f.metadata());
            assertTrue(f.hasTensor("ids"));
            assertThrows(IllegalArgumentException.class, () -> f.shape("nope"));
        }
    }

    @Test
    void tensorsMapAsMatrices() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(write(SafetensorsTestWriter.smallValidFile()))) {
            WeightTensor w = f.tensor("w");
            assertEquals(GgmlType.F32, w.type());
            assertEquals(2, w.rows());
            assertEquals(3, w.cols());
            assertEquals(6f, w.data().getFloat((int) w.rowBytes() + 8));

            WeightTensor h = f.tensor("h");
            assertEquals(GgmlType.F16, h.type());
            assertEquals(1, h.rows());
            assertEquals(4, h.cols());
            assertEquals((short) 0x3C00, h.data().getShort(0), "1.0 in half precision");

            WeightTensor b = f.tensor("b");
            assertEquals(GgmlType.BF16, b.type());
            assertEquals(1, b.rows(), "leading dimension of 1 is dropped");
            assertEquals(2, b.cols());
            assertEquals(-8f, Float.intBitsToFloat(b.data().getShort(2) << 16));
        }
    }

    @Test
    void unsupportedDtypeFailsOnlyWhenRequested() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(write(SafetensorsTestWriter.smallValidFile()))) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> f.tensor("ids"));
            assertTrue(e.getMessage().contains("'ids' has dtype 'I64'"), e.getMessage());
            e = assertThrows(ModelFormatException.class, () -> f.tensor("nope"));
            assertTrue(e.getMessage().contains("no tensor named 'nope'"), e.getMessage());
        }
        byte[] unknown = SafetensorsTestWriter.raw("{\"x\":{\"dtype\":\"Q9_Z\",\"shape\":[3],\"data_offsets\":[0,5]}}", new byte[5]);
        try (SafetensorsFile f = SafetensorsFile.open(write(unknown))) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> f.tensor("x"));
            assertTrue(e.getMessage().contains("dtype 'Q9_Z'"), e.getMessage());
        }
    }

    @Test
    void higherRankTensorsNeedLeadingOnes() throws IOException {
        byte[] bytes = new SafetensorsTestWriter()
                .tensor("ok", "F32", new long[] {1, 1, 2}, SafetensorsTestWriter.f32(1, 2))
                .tensor("cube", "F32", new long[] {2, 1, 1}, SafetensorsTestWriter.f32(1, 2))
                .tensor("scalar", "F32", new long[] {}, SafetensorsTestWriter.f32(9))
                .tensor("empty", "F32", new long[] {0, 4}, new byte[0])
                .build();
        try (SafetensorsFile f = SafetensorsFile.open(write(bytes))) {
            assertEquals(2, f.tensor("ok").cols());
            assertEquals(9f, f.tensor("scalar").data().getFloat(0));
            assertEquals(0, f.tensor("empty").rows());
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> f.tensor("cube"));
            assertTrue(e.getMessage().contains("'cube'") && e.getMessage().contains("2-D"), e.getMessage());
        }
    }

    /**
     * safetensors_py_sample.safetensors was written by the Python safetensors 0.8.0 library:
     * {@code save_file({"model.norm.weight": np.array([1., 2., 3.], np.float32),
     * "model.embed.weight": np.arange(6, dtype=np.float16).reshape(2, 3),
     * "position_ids": np.array([[0, 1, 2, 3]], np.int64)}, path,
     * metadata={"format": "pt", "note": "made by safetensors 0.8.0"})}, stored with a .bin suffix
     * because the repository ignores *.safetensors.
     */
    @Test
    void readsAFileWrittenByTheReferenceLibrary() throws Exception {
        Path p = Path.of(getClass().getResource("safetensors_py_sample.safetensors.bin").toURI());
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(Map.of("format", "pt", "note", "made by safetensors 0.8.0"), f.metadata());
            assertEquals(3, f.tensorNames().size());
            assertArrayEquals(new long[] {1, 4}, f.shape("position_ids"));
            assertEquals("I64", f.dtype("position_ids"));
            assertEquals(3f, f.tensor("model.norm.weight").data().getFloat(8));
            WeightTensor embed = f.tensor("model.embed.weight");
            assertEquals(2, embed.rows());
            assertEquals(3, embed.cols());
            assertEquals((short) 0x4500, embed.data().order(ByteOrder.LITTLE_ENDIAN).getShort(10), "5.0 in half precision");
        }
    }

    @Test
    void headerPaddingWithSpacesIsAccepted() throws IOException {
        byte[] bytes = SafetensorsTestWriter.raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}      ",
                SafetensorsTestWriter.f32(2));
        try (SafetensorsFile f = SafetensorsFile.open(write(bytes))) {
            assertEquals(2f, f.tensor("a").data().getFloat(0));
        }
    }

    @Test
    void dataIsNotCopied() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(write(SafetensorsTestWriter.smallValidFile()))) {
            ByteBuffer data = f.tensor("w").data();
            assertTrue(data.isDirect() && data.isReadOnly(), "a read-only mapping, not a heap copy");
        }
    }
}
