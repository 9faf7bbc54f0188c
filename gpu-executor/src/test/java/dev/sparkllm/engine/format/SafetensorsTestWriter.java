package dev.sparkllm.engine.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds safetensors files in memory for tests: {@link #build()} lays tensors out back to back as
 * the format requires; {@link #raw} wraps any header text, for broken files.
 */
public final class SafetensorsTestWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> header = new LinkedHashMap<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    SafetensorsTestWriter metadata(Map<String, String> metadata) {
        header.put("__metadata__", metadata);
        return this;
    }

    public SafetensorsTestWriter tensor(String name, String dtype, long[] shape, byte[] bytes) {
        long begin = data.size();
        data.write(bytes, 0, bytes.length);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("dtype", dtype);
        entry.put("shape", shape);
        entry.put("data_offsets", List.of(begin, (long) data.size()));
        header.put(name, entry);
        return this;
    }

    public byte[] build() {
        try {
            return raw(JSON.writeValueAsString(header), data.toByteArray());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The 8-byte little-endian header length, the header text as UTF-8, then the data. */
    static byte[] raw(String headerJson, byte[] data) {
        byte[] json = headerJson.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length).put(json).put(data).array();
    }

    public static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    /** Values as IEEE half floats (Java 17 has no Float.floatToFloat16, so only exactly representable small ints). */
    static byte[] f16OfSmallInts(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) b.putShort(halfOf(v));
        return b.array();
    }

    private static short halfOf(int v) {
        if (v == 0) return 0;
        int sign = v < 0 ? 0x8000 : 0;
        int m = Math.abs(v);
        int exp = 31 - Integer.numberOfLeadingZeros(m);
        int mantissa = (m << (10 - exp)) & 0x3FF; // exact for |v| < 2048
        return (short) (sign | ((exp + 15) << 10) | mantissa);
    }

    /** BF16 is the top half of an F32. */
    public static byte[] bf16(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
        return b.array();
    }

    /** A small valid file with metadata and one tensor of each loadable dtype plus an I64 one. */
    static byte[] smallValidFile() {
        return new SafetensorsTestWriter()
                .metadata(Map.of("format", "pt"))
                .tensor("w", "F32", new long[] {2, 3}, f32(1, 2, 3, 4, 5, 6))
                .tensor("h", "F16", new long[] {4}, f16OfSmallInts(1, -2, 3, 1000))
                .tensor("b", "BF16", new long[] {1, 2}, bf16(1.5f, -8f))
                .tensor("ids", "I64", new long[] {2}, new byte[16])
                .build();
    }
}
