package dev.sparkllm.engine.format;

import dev.sparkllm.engine.tensor.GgmlType;
import java.util.Arrays;

/**
 * Where one tensor of a GGUF file lives and what shape it has, as validated by the parser.
 *
 * @param name       the tensor's name, e.g. "blk.0.attn_q.weight"
 * @param type       its element type
 * @param dims       GGML dimensions, ne0 (the contiguous one) first; every entry is at least 1
 * @param dataOffset absolute byte offset of its data in the file
 * @param byteSize   bytes of data; {@code dataOffset + byteSize} is within the file
 */
public record GgufTensorInfo(String name, GgmlType type, long[] dims, long dataOffset, long byteSize) {

    public GgufTensorInfo {
        dims = dims.clone();
    }

    /** A copy, so the validated shape cannot be changed through this record. */
    @Override
    public long[] dims() {
        return dims.clone();
    }

    public int nDims() {
        return dims.length;
    }

    /** Dimension {@code i} (0 = ne0), or 1 beyond the stored dimensions, as GGML treats them. */
    public long dim(int i) {
        return i < dims.length ? dims[i] : 1;
    }

    public long elementCount() {
        long n = 1;
        for (long d : dims) n *= d; // cannot overflow: the parser checked the product
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && type == t.type
                && Arrays.equals(dims, t.dims) && dataOffset == t.dataOffset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + "[" + type + ", dims " + Arrays.toString(dims) + ", " + byteSize + " bytes at " + dataOffset + "]";
    }
}
