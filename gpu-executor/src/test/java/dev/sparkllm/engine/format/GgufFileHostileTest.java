package dev.sparkllm.engine.format;

import static dev.sparkllm.engine.format.GgufTestWriter.array;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkllm.engine.format.GgufTestWriter.Le;
import dev.sparkllm.engine.tensor.GgmlType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed GGUF files must each fail with a {@link ModelFormatException} that names the file and
 * the problem, without allocating what the file claims.
 */
class GgufFileHostileTest {
    @TempDir
    Path dir;

    private ModelFormatException assertRejected(byte[] bytes, String... fragments) throws IOException {
        Path p = dir.resolve("hostile.gguf");
        Files.write(p, bytes);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(p).close());
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
        return e;
    }

    /** Magic, version 3 and the two counts: the start of every raw file below. */
    private static Le header(long tensors, long kvs) {
        return new Le().bytes(new byte[] {'G', 'G', 'U', 'F'}).u32(3).u64(tensors).u64(kvs);
    }

    @Test
    void emptyFile() throws IOException {
        assertRejected(new byte[0], "empty file");
    }

    @Test
    void badMagic() throws IOException {
        assertRejected("GGML\3\0\0\0".getBytes(), "bad magic", "not a GGUF file");
        assertRejected(new byte[] {'G', 'G'}, "truncated", "magic");
    }

    @Test
    void unsupportedVersions() throws IOException {
        assertRejected(new GgufTestWriter().version(1).build(), "version 1 is not supported");
        assertRejected(new GgufTestWriter().version(4).build(), "unsupported GGUF version 4");
        assertRejected(new GgufTestWriter().version(0x0300_0000).build(), "big-endian");
    }

    @Test
    void everyTruncationIsRejected() throws IOException {
        byte[] valid = GgufTestWriter.smallValidFile();
        GgufFile.open(write(valid)).close();
        for (int len = 0; len < valid.length; len++) {
            ModelFormatException e = assertRejected(Arrays.copyOf(valid, len));
            String m = e.getMessage();
            assertTrue(m.contains("truncated") || m.contains("past the end") || m.contains("empty file"),
                    "prefix of " + len + " bytes: " + m);
        }
    }

    @Test
    void absurdStringLengths() throws IOException {
        assertRejected(header(0, 1).u64(1L << 62).bytes(new byte[16]).toByteArray(),
                "metadata key length 4611686018427387904 exceeds", "[offset 24");
        assertRejected(header(0, 1).str("k").u32(GgufValueType.STRING.id).u64(-1L).toByteArray(),
                "string value length 18446744073709551615 exceeds", "'k'");
    }

    @Test
    void absurdArrayCount() throws IOException {
        assertRejected(header(0, 1).str("tokens").u32(GgufValueType.ARRAY.id).u32(GgufValueType.INT32.id)
                .u64(1L << 61).bytes(new byte[64]).toByteArray(), "array of int32: count 2305843009213693952 cannot fit", "'tokens'");
        assertRejected(header(0, 1).str("tokens").u32(GgufValueType.ARRAY.id).u32(GgufValueType.STRING.id)
                .u64(1000).u64(0).toByteArray(), "array of string: count 1000 cannot fit");
    }

    @Test
    void absurdCounts() throws IOException {
        assertRejected(header(1L << 40, 0).toByteArray(), "tensor count 1099511627776 cannot fit");
        assertRejected(header(0, -1L).toByteArray(), "metadata entry count 18446744073709551615 cannot fit");
        // 10 claimed entries, one present: the alignment padding cannot hold the other nine
        assertRejected(new GgufTestWriter().put("a", GgufValueType.UINT8, 1).kvCountOverride(10).build(), "metadata entry count 10 cannot fit");
    }

    @Test
    void unknownMetadataTypesAndBadValues() throws IOException {
        assertRejected(header(0, 1).str("k").u32(13).u64(0).toByteArray(), "unknown metadata value type id 13", "'k'");
        assertRejected(header(0, 1).str("k").u32(GgufValueType.ARRAY.id).u32(99).u64(0).toByteArray(), "unknown array element type id 99");
        assertRejected(header(0, 1).str("flag").u32(GgufValueType.BOOL.id).u8(2).bytes(new byte[8]).toByteArray(), "bool value 2", "'flag'");
        assertRejected(new GgufTestWriter().put("k", GgufValueType.UINT8, 1).put("k", GgufValueType.UINT8, 2).build(),
                "duplicate metadata key", "'k'");
    }

    @Test
    void deeplyNestedArrays() throws IOException {
        Le le = header(0, 1).str("deep").u32(GgufValueType.ARRAY.id);
        for (int i = 0; i < 1000; i++) le.u32(GgufValueType.ARRAY.id).u64(1);
        le.u32(GgufValueType.UINT8.id).u64(0);
        assertRejected(le.toByteArray(), "nested more than");
    }

    @Test
    void badAlignment() throws IOException {
        assertRejected(new GgufTestWriter().alignment(48).build(), "general.alignment = 48 is not a power of two");
        assertRejected(new GgufTestWriter().put("general.alignment", GgufValueType.STRING, "32").build(),
                "general.alignment must be an integer");
    }

    @Test
    void absurdDimensionCounts() throws IOException {
        assertRejected(new GgufTestWriter().rawTensor("t", 5, new long[] {1, 1, 1, 1, 1}, 0, 0).build(), "n_dims 5 is out of range", "'t'");
        assertRejected(new GgufTestWriter().rawTensor("t", 0, new long[] {}, 0, 0).build(), "n_dims 0 is out of range");
        assertRejected(new GgufTestWriter().rawTensor("t", -1, new long[] {1}, 0, 0).build(), "n_dims 4294967295 is out of range");
    }

    @Test
    void badDimensions() throws IOException {
        assertRejected(new GgufTestWriter().rawTensor("neg", 2, new long[] {4, -1}, 0, 0).build(),
                "dimension 1 is 18446744073709551615", "'neg'");
        assertRejected(new GgufTestWriter().rawTensor("zero", 1, new long[] {0}, 0, 0).build(), "dimension 0 is 0", "'zero'");
        assertRejected(new GgufTestWriter().rawTensor("big", 3, new long[] {1L << 32, 1L << 32, 1L << 32}, 0, 0).build(),
                "element count overflows", "'big'");
        assertRejected(new GgufTestWriter().rawTensor("bytes", 1, new long[] {1L << 62}, 0, 0).build(),
                "overflows 64 bits", "'bytes'");
        assertRejected(new GgufTestWriter().rawTensor("q", 1, new long[] {33}, GgmlType.Q4_0.id, 0).build(),
                "ne0 = 33 is not a multiple of the Q4_0 block size 32", "'q'");
    }

    @Test
    void unknownTensorType() throws IOException {
        assertRejected(new GgufTestWriter().rawTensor("blk.0.x", 1, new long[] {32}, 99, 0).build(),
                "unknown or unsupported tensor type id 99", "'blk.0.x'", "Q4_1=3");
    }

    @Test
    void tensorOffsetsPastTheEnd() throws IOException {
        assertRejected(new GgufTestWriter().rawTensor("far", 1, new long[] {4}, 0, 1L << 40).build(),
                "'far'", "data offset 1099511627776", "past the end of the file");
        assertRejected(new GgufTestWriter().rawTensor("huge", 1, new long[] {4}, 0, -32L).build(),
                "'huge'", "past the end of any file");
        byte[] shortData = new GgufTestWriter().tensor("a", GgmlType.F32, new long[] {4}, GgufTestWriter.f32(1, 2, 3, 4)).build();
        assertRejected(Arrays.copyOf(shortData, shortData.length - 1), "'a'", "data of 16 bytes", "extends past the end of the file");
        assertRejected(new GgufTestWriter().tensor("a", GgmlType.F32, new long[] {4}, GgufTestWriter.f32(1, 2, 3, 4))
                .rawTensor("b", 1, new long[] {8}, 0, 0).build(), "'b'", "extends past the end");
    }

    @Test
    void duplicateTensorNames() throws IOException {
        assertRejected(new GgufTestWriter()
                .tensor("w", GgmlType.F32, new long[] {1}, GgufTestWriter.f32(1))
                .tensor("w", GgmlType.F32, new long[] {1}, GgufTestWriter.f32(2)).build(), "duplicate tensor name", "'w'");
    }

    @Test
    void misalignedAndOverlappingTensors() throws IOException {
        byte[] data = GgufTestWriter.f32(new float[16]);
        assertRejected(new GgufTestWriter().tensor("a", GgmlType.F32, new long[] {16}, data)
                .rawTensor("b", 1, new long[] {4}, 0, 4).build(), "'b'", "data offset 4 is not a multiple of the alignment 32");
        assertRejected(new GgufTestWriter().tensor("a", GgmlType.F32, new long[] {16}, data)
                .rawTensor("b", 1, new long[] {4}, 0, 32).build(), "'a'", "'b'", "overlap");
    }

    @Test
    void headerLargerThanTheReadWindow() throws IOException {
        byte[] valid = GgufTestWriter.smallValidFile();
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> GgufHeaderParser.parse(ByteBuffer.wrap(valid, 0, 40).slice(), valid.length, "x.gguf"));
        assertTrue(e.getMessage().contains("header is larger than the 40 bytes this reader accepts")
                || e.getMessage().contains("cannot fit in the rest of the header"), e.getMessage());
    }

    @Test
    void filesAbove2GiBWorkButATensorAbove2GiBIsRefused() throws IOException {
        long bigElements = 3L << 28; // 3 GiB of F32
        long smallOffset = bigElements * 4;
        byte[] head = new GgufTestWriter()
                .rawTensor("big", 1, new long[] {bigElements}, GgmlType.F32.id, 0)
                .rawTensor("after", 1, new long[] {2}, GgmlType.F32.id, smallOffset)
                .build();
        Path p = dir.resolve("sparse.gguf");
        Files.write(p, head);
        long dataStart = head.length; // the writer pads the header to the alignment
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.seek(dataStart + smallOffset); // sparse: the gap takes no disk space
            raf.write(GgufTestWriter.f32(6.5f, 7.5f));
        }
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(7.5f, f.tensor("after").data().getFloat(4));
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> f.tensor("big"));
            assertTrue(e.getCause() instanceof ModelFormatException, "the cause says the file is at fault");
            assertTrue(e.getMessage().contains("'big' is 3221225472 bytes") && e.getMessage().contains("over 2 GiB"), e.getMessage());
        }
    }

    private Path write(byte[] bytes) throws IOException {
        Path p = dir.resolve("valid.gguf");
        Files.write(p, bytes);
        return p;
    }
}
