package dev.sparkllm.engine.format;

import static dev.sparkllm.engine.format.GgufTestWriter.array;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Files written by {@link GgufTestWriter} read back exactly, for every metadata type and both versions. */
class GgufFileRoundTripTest {
    @TempDir
    Path dir;

    private GgufFile open(byte[] bytes) throws IOException {
        Path p = dir.resolve("t.gguf");
        Files.write(p, bytes);
        return GgufFile.open(p);
    }

    private static GgufTestWriter everyType(int version) {
        return new GgufTestWriter().version(version)
                .put("u8", GgufValueType.UINT8, 200)
                .put("i8", GgufValueType.INT8, -100)
                .put("u16", GgufValueType.UINT16, 60000)
                .put("i16", GgufValueType.INT16, -30000)
                .put("u32", GgufValueType.UINT32, 0xFFFF_FFF0L)
                .put("i32", GgufValueType.INT32, -2_000_000_000)
                .put("f32", GgufValueType.FLOAT32, 1.5f)
                .put("bool.t", GgufValueType.BOOL, true)
                .put("bool.f", GgufValueType.BOOL, false)
                .put("str", GgufValueType.STRING, "héllo ✓")
                .put("empty.str", GgufValueType.STRING, "")
                .put("u64", GgufValueType.UINT64, -1L) // 2^64-1 comes back as its raw bits
                .put("i64", GgufValueType.INT64, Long.MIN_VALUE)
                .put("f64", GgufValueType.FLOAT64, Math.PI)
                .put("arr.u8", GgufValueType.ARRAY, array(GgufValueType.UINT8, 0, 255))
                .put("arr.i8", GgufValueType.ARRAY, array(GgufValueType.INT8, -128, 127))
                .put("arr.u16", GgufValueType.ARRAY, array(GgufValueType.UINT16, 65535))
                .put("arr.i16", GgufValueType.ARRAY, array(GgufValueType.INT16, -32768, 5))
                .put("arr.u32", GgufValueType.ARRAY, array(GgufValueType.UINT32, 7, 0xFFFF_FFFFL))
                .put("arr.i32", GgufValueType.ARRAY, array(GgufValueType.INT32, -1, 2, 3))
                .put("arr.f32", GgufValueType.ARRAY, array(GgufValueType.FLOAT32, 0.25f, -2f))
                .put("arr.bool", GgufValueType.ARRAY, array(GgufValueType.BOOL, true, false))
                .put("arr.str", GgufValueType.ARRAY, array(GgufValueType.STRING, "a", "", "Ġt"))
                .put("arr.u64", GgufValueType.ARRAY, array(GgufValueType.UINT64, -1L))
                .put("arr.i64", GgufValueType.ARRAY, array(GgufValueType.INT64, Long.MAX_VALUE))
                .put("arr.f64", GgufValueType.ARRAY, array(GgufValueType.FLOAT64, 1e300))
                .put("arr.empty", GgufValueType.ARRAY, array(GgufValueType.INT32))
                .put("arr.nested", GgufValueType.ARRAY, array(GgufValueType.ARRAY,
                        array(GgufValueType.INT32, 1, 2), array(GgufValueType.STRING, "x"), array(GgufValueType.FLOAT32)));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void everyMetadataTypeReadsBackRaw(int version) throws IOException {
        try (GgufFile f = open(everyType(version).build())) {
            assertEquals(version, f.version());
            Map<String, Object> m = f.metadata();
            assertEquals(200L, m.get("u8"));
            assertEquals(-100L, m.get("i8"));
            assertEquals(60000L, m.get("u16"));
            assertEquals(-30000L, m.get("i16"));
            assertEquals(0xFFFF_FFF0L, m.get("u32"));
            assertEquals(-2_000_000_000L, m.get("i32"));
            assertEquals(1.5, m.get("f32"));
            assertEquals(true, m.get("bool.t"));
            assertEquals(false, m.get("bool.f"));
            assertEquals("héllo ✓", m.get("str"));
            assertEquals("", m.get("empty.str"));
            assertEquals(-1L, m.get("u64"));
            assertEquals(Long.MIN_VALUE, m.get("i64"));
            assertEquals(Math.PI, m.get("f64"));
            assertEquals(List.of(0L, 255L), m.get("arr.u8"));
            assertEquals(List.of(-128L, 127L), m.get("arr.i8"));
            assertEquals(List.of(65535L), m.get("arr.u16"));
            assertEquals(List.of(-32768L, 5L), m.get("arr.i16"));
            assertEquals(List.of(7L, 0xFFFF_FFFFL), m.get("arr.u32"));
            assertEquals(List.of(-1L, 2L, 3L), m.get("arr.i32"));
            assertEquals(List.of(0.25, -2.0), m.get("arr.f32"));
            assertEquals(List.of(true, false), m.get("arr.bool"));
            assertEquals(List.of("a", "", "Ġt"), m.get("arr.str"));
            assertEquals(List.of(-1L), m.get("arr.u64"));
            assertEquals(List.of(Long.MAX_VALUE), m.get("arr.i64"));
            assertEquals(List.of(1e300), m.get("arr.f64"));
            assertEquals(List.of(), m.get("arr.empty"));
            assertEquals(List.of(List.of(1L, 2L), List.of("x"), List.of()), m.get("arr.nested"));
            assertEquals(List.copyOf(m.keySet()).indexOf("u8"), 0, "metadata keeps file order");
        }
    }

    @Test
    void typedGettersConvertAndDefault() throws IOException {
        try (GgufFile f = open(everyType(3).build())) {
            assertTrue(f.has("u8"));
            assertFalse(f.has("missing"));
            assertEquals("héllo ✓", f.string("str", "d"));
            assertEquals("d", f.string("missing", "d"));
            assertEquals(0xFFFF_FFF0L, f.integer("u32", 0));
            assertEquals(42, f.integer("missing", 42));
            assertEquals(1.5, f.real("f32", 0));
            assertEquals(200.0, f.real("u8", 0), "integers are accepted as reals");
            assertEquals(0.5, f.real("missing", 0.5));
            assertTrue(f.bool("bool.t", false));
            assertTrue(f.bool("missing", true));
            assertArrayEquals(new String[] {"a", "", "Ġt"}, f.stringArray("arr.str"));
            assertArrayEquals(new int[] {-1, 2, 3}, f.intArray("arr.i32"));
            assertArrayEquals(new int[] {0, 255}, f.intArray("arr.u8"));
            assertArrayEquals(new float[] {0.25f, -2f}, f.floatArray("arr.f32"));
            assertArrayEquals(new float[] {-1f, 2f, 3f}, f.floatArray("arr.i32"));
            assertNull(f.stringArray("missing"));
            assertNull(f.intArray("missing"));
            assertNull(f.floatArray("missing"));
        }
    }

    @Test
    void typedGettersRejectOtherTypesNamingKeyAndTypes() throws IOException {
        try (GgufFile f = open(everyType(3).build())) {
            MetadataTypeException e = assertThrows(MetadataTypeException.class, () -> f.integer("str", 0));
            assertTrue(e.getMessage().contains("'str'") && e.getMessage().contains("a string")
                    && e.getMessage().contains("an integer"), e.getMessage());
            assertThrows(MetadataTypeException.class, () -> f.string("u8", null));
            assertThrows(MetadataTypeException.class, () -> f.real("str", 0));
            assertThrows(MetadataTypeException.class, () -> f.bool("u8", false));
            e = assertThrows(MetadataTypeException.class, () -> f.stringArray("arr.i32"));
            assertTrue(e.getMessage().contains("an array of int32"), e.getMessage());
            assertThrows(MetadataTypeException.class, () -> f.intArray("arr.str"));
            assertThrows(MetadataTypeException.class, () -> f.intArray("arr.u32"), "4294967295 does not fit an int");
            assertThrows(MetadataTypeException.class, () -> f.floatArray("arr.bool"));
            assertThrows(MetadataTypeException.class, () -> f.intArray("u8"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void tensorsAreMappedWithTheirShapes(int version) throws IOException {
        byte[] q = new byte[GgmlType.Q4_1.bytesPerBlock * 2];
        q[0] = 7;
        byte[] bytes = new GgufTestWriter().version(version)
                .put("general.architecture", GgufValueType.STRING, "llama")
                .tensor("norm", GgmlType.F32, new long[] {3}, GgufTestWriter.f32(1, 2, 3))
                .tensor("mat", GgmlType.F32, new long[] {2, 3}, GgufTestWriter.f32(1, 2, 3, 4, 5, 6))
                .tensor("q", GgmlType.Q4_1, new long[] {32, 2, 1}, q)
                .tensor("cube", GgmlType.F32, new long[] {1, 1, 2}, GgufTestWriter.f32(8, 9))
                .build();
        try (GgufFile f = open(bytes)) {
            assertEquals(List.of("norm", "mat", "q", "cube"), f.tensors().stream().map(GgufTensorInfo::name).toList());
            GgufTensorInfo mat = f.tensorInfo("mat");
            assertArrayEquals(new long[] {2, 3}, mat.dims());
            assertEquals(0, mat.dataOffset() % 32);
            assertEquals(24, mat.byteSize());

            WeightTensor norm = f.tensor("norm");
            assertEquals(1, norm.rows());
            assertEquals(3, norm.cols());
            assertEquals(3f, norm.data().getFloat(8));

            WeightTensor m = f.tensor("mat");
            assertEquals(3, m.rows());
            assertEquals(2, m.cols());
            assertEquals(6f, m.data().getFloat(20));
            assertEquals(m, f.tensor("mat"), "one mapping per tensor");

            WeightTensor qt = f.tensor("q");
            assertEquals(GgmlType.Q4_1, qt.type());
            assertEquals(2, qt.rows());
            assertEquals(7, qt.data().get(0));

            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> f.tensor("cube"));
            assertTrue(e.getCause() instanceof ModelFormatException, "the cause says the file is at fault");
            assertTrue(e.getMessage().contains("'cube'") && e.getMessage().contains("2-D"), e.getMessage());
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> f.tensor("nope"));
            assertTrue(missing.getMessage().contains("no tensor named 'nope'"), missing.getMessage());
            assertFalse(f.hasTensor("nope"));
        }
    }

    /** A tensor of each type, two rows of two blocks, passes the parser's size checks and maps its own bytes. */
    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void everyTypeMapsWholeBlockRows(GgmlType type) throws IOException {
        byte[] data = new byte[4 * type.bytesPerBlock];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31 + 5);
        byte[] bytes = new GgufTestWriter()
                .put("general.architecture", GgufValueType.STRING, "llama")
                .tensor("w", type, new long[] {2L * type.blockSize, 2}, data)
                .tensor("after", GgmlType.F32, new long[] {1}, GgufTestWriter.f32(42))
                .build();
        try (GgufFile f = open(bytes)) {
            assertEquals(data.length, f.tensorInfo("w").byteSize());
            WeightTensor w = f.tensor("w");
            assertEquals(type, w.type());
            assertEquals(2, w.rows());
            assertEquals(2 * type.blockSize, w.cols());
            assertEquals(data[data.length - 1], w.data().get(data.length - 1));
            assertEquals(42f, f.tensor("after").data().getFloat(0));
        }
    }

    @Test
    void customAlignmentIsHonoured() throws IOException {
        byte[] bytes = new GgufTestWriter().alignment(256)
                .tensor("a", GgmlType.F32, new long[] {1}, GgufTestWriter.f32(1))
                .tensor("b", GgmlType.F32, new long[] {1}, GgufTestWriter.f32(2))
                .build();
        try (GgufFile f = open(bytes)) {
            assertEquals(256, f.alignment());
            assertEquals(256, f.tensorInfo("b").dataOffset() - f.tensorInfo("a").dataOffset());
            assertEquals(0, f.tensorInfo("a").dataOffset() % 256);
            assertEquals(2f, f.tensor("b").data().getFloat(0));
        }
    }

    @Test
    void fileWithoutTensorsOpens() throws IOException {
        try (GgufFile f = open(new GgufTestWriter().put("k", GgufValueType.STRING, "v").build())) {
            assertTrue(f.tensors().isEmpty());
            assertEquals("v", f.string("k", null));
        }
    }

    @Test
    void closedFileRefusesNewMappings() throws IOException {
        GgufFile f = open(GgufTestWriter.smallValidFile());
        WeightTensor before = f.tensor("w");
        f.close();
        assertEquals(0.5f, before.data().getFloat(4), "handed-out buffers stay readable");
        assertThrows(IllegalStateException.class, () -> f.tensor("w"));
    }
}
