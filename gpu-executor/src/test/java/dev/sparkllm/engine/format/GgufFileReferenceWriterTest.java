package dev.sparkllm.engine.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reads a file written by the reference writer (gguf-py 0.19.0's GGUFWriter), so the parser is
 * checked against someone else's reading of the spec, not only against {@link GgufTestWriter}.
 * The resource was made with:
 * <pre>
 * w = GGUFWriter("gguf_py_sample.gguf", "llama")
 * w.add_uint8("t.u8", 250); w.add_int8("t.i8", -5); w.add_uint16("t.u16", 65000); w.add_int16("t.i16", -1234)
 * w.add_uint32("t.u32", 4000000000); w.add_int32("t.i32", -7); w.add_float32("t.f32", 0.125)
 * w.add_bool("t.bool", True); w.add_string("t.str", "gguf-py ✓"); w.add_uint64("t.u64", 2**64-2)
 * w.add_int64("t.i64", -(2**40)); w.add_float64("t.f64", 2.5)
 * w.add_array("t.arr.str", ["x", "yy", ""]); w.add_array("t.arr.i32", [1, -2, 3])
 * w.add_array("t.arr.f32", [0.5, 1.5]); w.add_array("t.arr.nested", [[1, 2], [3]])
 * w.add_tensor("mat", np.arange(8, dtype=np.float32).reshape(2, 4))
 * w.add_tensor("half", np.array([1, 2, 3, 4], dtype=np.float16))
 * </pre>
 * and GGUFReader reports mat as F32 shape [4, 2] at offset 640 (32 bytes), half as F16 [4] at 672.
 * It is stored as gguf_py_sample.gguf.bin because the repository ignores *.gguf.
 */
class GgufFileReferenceWriterTest {

    private static Path sample() throws URISyntaxException {
        return Path.of(GgufFileReferenceWriterTest.class.getResource("gguf_py_sample.gguf.bin").toURI());
    }

    @Test
    void metadataMatchesWhatGgufPyWrote() throws Exception {
        try (GgufFile f = GgufFile.open(sample())) {
            assertEquals(3, f.version());
            assertEquals(17, f.metadata().size());
            assertEquals("llama", f.string("general.architecture", null));
            assertEquals(250, f.integer("t.u8", 0));
            assertEquals(-5, f.integer("t.i8", 0));
            assertEquals(65000, f.integer("t.u16", 0));
            assertEquals(-1234, f.integer("t.i16", 0));
            assertEquals(4_000_000_000L, f.integer("t.u32", 0));
            assertEquals(-7, f.integer("t.i32", 0));
            assertEquals(0.125, f.real("t.f32", 0));
            assertEquals(true, f.bool("t.bool", false));
            assertEquals("gguf-py ✓", f.string("t.str", null));
            assertEquals(-2L, f.integer("t.u64", 0), "2^64-2 as raw bits");
            assertEquals(-(1L << 40), f.integer("t.i64", 0));
            assertEquals(2.5, f.real("t.f64", 0));
            assertArrayEquals(new String[] {"x", "yy", ""}, f.stringArray("t.arr.str"));
            assertArrayEquals(new int[] {1, -2, 3}, f.intArray("t.arr.i32"));
            assertArrayEquals(new float[] {0.5f, 1.5f}, f.floatArray("t.arr.f32"));
            assertEquals(List.of(List.of(1L, 2L), List.of(3L)), f.metadata().get("t.arr.nested"));
        }
    }

    @Test
    void tensorsMatchWhatGgufPyReports() throws Exception {
        try (GgufFile f = GgufFile.open(sample())) {
            GgufTensorInfo mat = f.tensorInfo("mat");
            assertEquals(GgmlType.F32, mat.type());
            assertArrayEquals(new long[] {4, 2}, mat.dims());
            assertEquals(640, mat.dataOffset());
            assertEquals(32, mat.byteSize());
            GgufTensorInfo half = f.tensorInfo("half");
            assertEquals(GgmlType.F16, half.type());
            assertEquals(672, half.dataOffset());

            WeightTensor m = f.tensor("mat");
            assertEquals(2, m.rows());
            assertEquals(4, m.cols());
            assertEquals(5f, m.data().getFloat((int) (m.rowBytes() + 4)), "row 1, column 1 of arange(8).reshape(2, 4)");
        }
    }
}
