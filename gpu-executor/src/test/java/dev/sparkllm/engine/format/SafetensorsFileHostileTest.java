package dev.sparkllm.engine.format;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed safetensors files each fail with a {@link ModelFormatException} naming the file and the problem. */
class SafetensorsFileHostileTest {
    @TempDir
    Path dir;

    private ModelFormatException assertRejected(byte[] bytes, String... fragments) throws IOException {
        Path p = dir.resolve("hostile.safetensors");
        Files.write(p, bytes);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(p).close());
        assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
        return e;
    }

    private static byte[] headerLength(long n, int extraBytes) {
        return ByteBuffer.allocate(8 + extraBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
    }

    private static byte[] oneTensor(String entryJson, int dataBytes) {
        return SafetensorsTestWriter.raw("{\"t\":" + entryJson + "}", new byte[dataBytes]);
    }

    @Test
    void badHeaderLengths() throws IOException {
        assertRejected(new byte[0], "too short");
        assertRejected(new byte[5], "too short");
        assertRejected(headerLength(-1L, 10), "header length 18446744073709551615", "out of range");
        assertRejected(headerLength(200_000_000L, 10), "header length 200000000", "out of range");
        assertRejected(headerLength(100, 10), "header length 100", "past the end of the file");
    }

    @Test
    void invalidJson() throws IOException {
        assertRejected(SafetensorsTestWriter.raw("{\"t\": {", new byte[0]), "invalid JSON");
        assertRejected(SafetensorsTestWriter.raw("", new byte[0]), "end of input");
        assertRejected(SafetensorsTestWriter.raw("[1,2]", new byte[0]), "the header is an array, expected a JSON object");
        assertRejected(SafetensorsTestWriter.raw("{} {}", new byte[0]), "after the header object");
        assertRejected(SafetensorsTestWriter.raw("{}\0\0", new byte[0]), "invalid JSON");
        // an unknown field is skipped, but not past Jackson's nesting limit
        assertRejected(SafetensorsTestWriter.raw("{\"t\":{\"x\":" + "[".repeat(5000), new byte[0]), "invalid JSON", "depth");
        assertRejected(SafetensorsTestWriter.raw(
                "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                new byte[8]), "invalid JSON", "Duplicate field 't'");
    }

    @Test
    void malformedEntries() throws IOException {
        assertRejected(oneTensor("[]", 0), "tensor 't' is an array, expected an object");
        assertRejected(oneTensor("{\"shape\":[1],\"data_offsets\":[0,4]}", 4), "'t' lacks dtype");
        assertRejected(oneTensor("{\"dtype\":\"F32\",\"data_offsets\":[0,4]}", 4), "'t' lacks shape");
        assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[1]}", 4), "'t' lacks data_offsets");
        assertRejected(oneTensor("{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}", 4), "dtype is an integer");
        assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}", 4), "shape holds -1");
        assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}", 4), "shape holds a float");
        assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[99999999999999999999999],\"data_offsets\":[0,4]}", 4), "shape holds 99999999999999999999999");
        assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}", 4), "data_offsets has 1 values");
        assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}", 8), "data_offsets has more than 2 values");
        assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[" + "1,".repeat(40) + "1],\"data_offsets\":[0,4]}", 4), "more than 16 values");
        assertRejected(SafetensorsTestWriter.raw("{\"__metadata__\":{\"k\":1}}", new byte[0]), "__metadata__ value for 'k' is an integer");
        assertRejected(SafetensorsTestWriter.raw("{\"__metadata__\":[]}", new byte[0]), "__metadata__ is an array");
    }

    @Test
    void offsetsPastTheEnd() throws IOException {
        assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", 4), "'t'", "run past the end of the data (4 bytes");
        assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[9223372036854775800,9223372036854775804]}", 4), "run past the end");
        assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}", 4), "end before they begin");
    }

    @Test
    void sizeMismatchAndOverflow() throws IOException {
        assertRejected(oneTensor("{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}", 24), "'t'", "shape [2, 3] of F32 needs 24 bytes", "hold 20");
        assertRejected(oneTensor("{\"dtype\":\"F16\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}", 4), "overflows 64 bits");
        assertRejected(oneTensor("{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}", 2), "not a whole number of bytes");
    }

    @Test
    void overlappingTensors() throws IOException {
        assertRejected(SafetensorsTestWriter.raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]), "'a'", "'b'", "overlap");
    }

    @Test
    void everyTruncationIsRejected() throws IOException {
        byte[] valid = SafetensorsTestWriter.smallValidFile();
        for (int len = 0; len < valid.length; len++) {
            assertRejected(Arrays.copyOf(valid, len));
        }
    }
}
