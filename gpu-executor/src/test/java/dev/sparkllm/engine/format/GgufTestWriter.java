package dev.sparkllm.engine.format;

import dev.sparkllm.engine.tensor.GgmlType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds GGUF files in memory for tests: valid ones through the typed methods, and broken ones
 * through the overrides and {@link #rawTensor} (which writes a tensor info exactly as given, with
 * no data). Layout follows the GGUF spec: header, key/values, tensor infos, padding to the
 * alignment, then each tensor's data at an aligned offset.
 */
public final class GgufTestWriter {
    /** A metadata array value: element type and elements (nested {@code Arr} for arrays of arrays). */
    record Arr(GgufValueType elementType, List<?> values) {
    }

    private record Tensor(String name, int nDims, long[] dims, int typeId, Long rawOffset, byte[] data) {
    }

    private int version = 3;
    private long alignment = 32;
    private Long tensorCountOverride;
    private Long kvCountOverride;
    private int kvCount;
    private final Le kvs = new Le();
    private final List<Tensor> tensors = new ArrayList<>();

    static Arr array(GgufValueType elementType, Object... values) {
        return new Arr(elementType, List.of(values));
    }

    GgufTestWriter version(int version) {
        this.version = version;
        return this;
    }

    /** Writes general.alignment (as uint32) and lays the data out with it. */
    GgufTestWriter alignment(long alignment) {
        this.alignment = alignment;
        return put("general.alignment", GgufValueType.UINT32, alignment);
    }

    GgufTestWriter tensorCountOverride(long count) {
        this.tensorCountOverride = count;
        return this;
    }

    GgufTestWriter kvCountOverride(long count) {
        this.kvCountOverride = count;
        return this;
    }

    /** Scalars as Long/Integer, Double/Float, Boolean or String; arrays as {@link Arr}. */
    GgufTestWriter put(String key, GgufValueType type, Object value) {
        kvs.str(key).u32(type.id);
        writeValue(kvs, type, value);
        kvCount++;
        return this;
    }

    /** Typed forms of {@link #put} for tests outside this package, where GgufValueType is not visible. */
    public GgufTestWriter putString(String key, String value) {
        return put(key, GgufValueType.STRING, value);
    }

    public GgufTestWriter putUint32(String key, long value) {
        return put(key, GgufValueType.UINT32, value);
    }

    public GgufTestWriter putFloat32(String key, float value) {
        return put(key, GgufValueType.FLOAT32, value);
    }

    public GgufTestWriter putBool(String key, boolean value) {
        return put(key, GgufValueType.BOOL, value);
    }

    public GgufTestWriter putStrings(String key, List<String> values) {
        return put(key, GgufValueType.ARRAY, new Arr(GgufValueType.STRING, values));
    }

    public GgufTestWriter putInt32s(String key, List<Integer> values) {
        return put(key, GgufValueType.ARRAY, new Arr(GgufValueType.INT32, values));
    }

    /** A well-formed tensor; {@code data} must have exactly the tensor's byte size. */
    public GgufTestWriter tensor(String name, GgmlType type, long[] dims, byte[] data) {
        tensors.add(new Tensor(name, dims.length, dims, type.id, null, data));
        return this;
    }

    /** A tensor info written verbatim (any n_dims, type id and relative offset), with no data. */
    GgufTestWriter rawTensor(String name, int nDims, long[] dims, int typeId, long relativeOffset) {
        tensors.add(new Tensor(name, nDims, dims, typeId, relativeOffset, new byte[0]));
        return this;
    }

    public byte[] build() {
        Le out = new Le();
        out.bytes("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(version);
        out.u64(tensorCountOverride != null ? tensorCountOverride : tensors.size());
        out.u64(kvCountOverride != null ? kvCountOverride : kvCount);
        out.bytes(kvs.toByteArray());
        long next = 0;
        List<Long> offsets = new ArrayList<>();
        for (Tensor t : tensors) {
            long offset = t.rawOffset() != null ? t.rawOffset() : next;
            offsets.add(offset);
            if (t.rawOffset() == null) next = align(offset + t.data().length);
            out.str(t.name()).u32(t.nDims());
            for (long d : t.dims()) out.u64(d);
            out.u32(t.typeId()).u64(offset);
        }
        out.padTo(alignment);
        long dataStart = out.size();
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t.data().length == 0) continue;
            while (out.size() < dataStart + offsets.get(i)) out.u8(0);
            out.bytes(t.data());
        }
        return out.toByteArray();
    }

    private long align(long n) {
        return (n + alignment - 1) / alignment * alignment;
    }

    private static void writeValue(Le out, GgufValueType type, Object v) {
        switch (type) {
            case UINT8: case INT8: out.u8(((Number) v).intValue()); break;
            case UINT16: case INT16: out.u16(((Number) v).intValue()); break;
            case UINT32: case INT32: out.u32(((Number) v).intValue()); break;
            case UINT64: case INT64: out.u64(((Number) v).longValue()); break;
            case FLOAT32: out.f32(((Number) v).floatValue()); break;
            case FLOAT64: out.f64(((Number) v).doubleValue()); break;
            case BOOL: out.u8((Boolean) v ? 1 : 0); break;
            case STRING: out.str((String) v); break;
            case ARRAY: {
                Arr a = (Arr) v;
                out.u32(a.elementType().id).u64(a.values().size());
                for (Object e : a.values()) writeValue(out, a.elementType(), e);
                break;
            }
            default: throw new AssertionError(type);
        }
    }

    /** Little-endian byte building, also used directly by tests that need byte-exact broken files. */
    static final class Le {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Le u8(int v) { out.write(v); return this; }
        Le u16(int v) { return u8(v).u8(v >>> 8); }
        Le u32(long v) { return u16((int) v).u16((int) (v >>> 16)); }
        Le u64(long v) { return u32(v).u32(v >>> 32); }
        Le f32(float v) { return u32(Float.floatToRawIntBits(v)); }
        Le f64(double v) { return u64(Double.doubleToRawLongBits(v)); }
        Le bytes(byte[] b) { out.write(b, 0, b.length); return this; }

        /** A GGUF string: uint64 byte length, then UTF-8 bytes. */
        Le str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return u64(b.length).bytes(b);
        }

        Le padTo(long alignment) {
            while (out.size() % alignment != 0) u8(0);
            return this;
        }

        int size() { return out.size(); }
        byte[] toByteArray() { return out.toByteArray(); }
    }

    /** F32 values as little-endian bytes. */
    public static byte[] f32(float... values) {
        Le le = new Le();
        for (float v : values) le.f32(v);
        return le.toByteArray();
    }

    /**
     * A small valid file: a few metadata types (an array included), a 2x32 F32 matrix, a Q4_0 row
     * and a 1-D F32 norm. Used as the base for truncation, mutation and fuzzing.
     */
    static byte[] smallValidFile() {
        float[] matrix = new float[64];
        for (int i = 0; i < matrix.length; i++) matrix[i] = i * 0.5f;
        byte[] q40 = new byte[GgmlType.Q4_0.bytesPerBlock];
        for (int i = 0; i < q40.length; i++) q40[i] = (byte) i;
        return new GgufTestWriter()
                .put("general.architecture", GgufValueType.STRING, "llama")
                .put("llama.block_count", GgufValueType.UINT32, 1)
                .put("llama.rope.freq_base", GgufValueType.FLOAT32, 10000f)
                .put("tokenizer.ggml.add_bos_token", GgufValueType.BOOL, true)
                .put("tokenizer.ggml.tokens", GgufValueType.ARRAY, array(GgufValueType.STRING, "<s>", "a", "b"))
                .put("tokenizer.ggml.token_type", GgufValueType.ARRAY, array(GgufValueType.INT32, 3, 1, 1))
                .tensor("w", GgmlType.F32, new long[] {32, 2}, f32(matrix))
                .tensor("q", GgmlType.Q4_0, new long[] {32}, q40)
                .tensor("norm", GgmlType.F32, new long[] {4}, f32(1, 2, 3, 4))
                .build();
    }
}
