package dev.sparkllm.engine.tensor;

/**
 * The tensor element types the engine reads, with their GGML type ids and block layouts.
 * A quantized type stores {@code blockSize} weights in {@code bytesPerBlock} bytes; rows are always
 * a whole number of blocks.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 2 + 16),
    Q4_1(3, 32, 2 + 2 + 16),
    Q5_0(6, 32, 2 + 4 + 16),
    Q5_1(7, 32, 2 + 2 + 4 + 16),
    Q8_0(8, 32, 2 + 32),
    Q2_K(10, 256, 16 + 64 + 2 + 2),
    Q3_K(11, 256, 32 + 64 + 12 + 2),
    Q4_K(12, 256, 2 + 2 + 12 + 128),
    Q5_K(13, 256, 2 + 2 + 12 + 32 + 128),
    Q6_K(14, 256, 128 + 64 + 16 + 2),
    IQ4_NL(20, 32, 2 + 16),
    IQ4_XS(23, 256, 2 + 2 + 4 + 128),
    BF16(30, 1, 2);

    /** GGML's id for this type in a GGUF tensor-info record. */
    public final int id;
    /** Weights per block (1 for plain float types). */
    public final int blockSize;
    /** Bytes per block. */
    public final int bytesPerBlock;

    GgmlType(int id, int blockSize, int bytesPerBlock) {
        this.id = id;
        this.blockSize = blockSize;
        this.bytesPerBlock = bytesPerBlock;
    }

    /** The type with GGML id {@code id}, or null when the engine does not support it. */
    public static GgmlType byId(int id) {
        for (GgmlType t : values()) {
            if (t.id == id) return t;
        }
        return null;
    }

    /** Bytes taken by {@code elements} weights; elements must be a multiple of the block size. */
    public long byteSize(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(this + " needs a multiple of " + blockSize + " elements, got " + elements);
        }
        return Math.multiplyExact(elements / blockSize, (long) bytesPerBlock);
    }
}
