package dev.sparkllm.engine.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A 1-D or 2-D weight matrix in its stored (possibly quantized) form, backed by a little-endian
 * buffer that is usually a slice of a memory-mapped model file. Rows are contiguous: row r starts
 * at {@code r * rowBytes()}. Nothing here copies the weights onto the heap.
 */
public final class WeightTensor {
    private final String name;
    private final GgmlType type;
    private final int rows;
    private final int cols;
    private final ByteBuffer data;

    public WeightTensor(String name, GgmlType type, int rows, int cols, ByteBuffer data) {
        this.name = name;
        this.type = type;
        this.rows = rows;
        this.cols = cols;
        long need = type.byteSize((long) rows * cols);
        if (data.remaining() < need) {
            throw new IllegalArgumentException("tensor " + name + " needs " + need + " bytes, has " + data.remaining());
        }
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    public String name() { return name; }
    public GgmlType type() { return type; }
    /** Number of output rows (GGML's ne1). */
    public int rows() { return rows; }
    /** Elements per row (GGML's ne0, the dimension that dot products run over). */
    public int cols() { return cols; }
    /** The raw bytes, little-endian, position 0. Callers must use absolute reads. */
    public ByteBuffer data() { return data; }
    public long rowBytes() { return type.byteSize(cols); }

    @Override
    public String toString() {
        return name + "[" + type + ", " + rows + "x" + cols + "]";
    }
}
