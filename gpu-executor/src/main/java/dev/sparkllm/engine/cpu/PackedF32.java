package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.WeightTensor;

import java.nio.ByteBuffer;

/**
 * A float weight matrix on the heap, row-major. F32 tensors are copied; F16 and BF16 are widened
 * (twice their stored size) because Java 17's Vector API has no half-precision conversion, and a
 * float FMA over heap arrays is what the kernels run fastest.
 */
final class PackedF32 {
    final int rows;
    final int cols;
    final float[] values;

    private PackedF32(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.values = new float[Math.multiplyExact(rows, cols)];
    }

    static PackedF32 pack(WeightTensor w) {
        PackedF32 p = new PackedF32(w.rows(), w.cols());
        ByteBuffer src = w.data();
        float[] v = p.values;
        switch (w.type()) {
            case F32 -> src.asFloatBuffer().get(0, v);
            case F16 -> {
                for (int i = 0; i < v.length; i++) v[i] = Float16.toFloat(src.getShort(2 * i));
            }
            case BF16 -> {
                for (int i = 0; i < v.length; i++) v[i] = Float.intBitsToFloat(src.getShort(2 * i) << 16);
            }
            default -> throw new IllegalArgumentException("not a float type: " + w);
        }
        return p;
    }

    long bytes() {
        return 4L * values.length;
    }
}
