package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.WeightTensor;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * The kernel-ready copy of each weight tensor ({@link PackedQ4}, {@link PackedQ8} or
 * {@link PackedF32}), made on first use and kept as long as the tensor object is reachable
 * (a weak, identity-keyed cache: WeightTensor does not override equals). Packing reads every
 * byte of the tensor once, so for a 100 MB model it takes a fraction of a second; call
 * {@link MatMul#prepare} at load time to pay it up front.
 */
final class PackedWeights {
    private PackedWeights() {}

    private static final Map<WeightTensor, Object> CACHE = new WeakHashMap<>();

    /** The packed form of w: a PackedQ4, PackedQ8 or PackedF32. */
    static Object of(WeightTensor w) {
        Object packed;
        synchronized (CACHE) {
            packed = CACHE.get(w);
        }
        if (packed != null) return packed;
        // Packed outside the lock so other tensors' lookups do not wait; two threads racing on
        // the same tensor both pack it and the first one stored wins.
        packed = pack(w);
        synchronized (CACHE) {
            Object raced = CACHE.putIfAbsent(w, packed);
            return raced != null ? raced : packed;
        }
    }

    private static Object pack(WeightTensor w) {
        Dequantize.checkWholeBlocks(w);
        return switch (w.type()) {
            case Q4_0, Q4_1, Q4_K -> PackedQ4.pack(w);
            case Q8_0, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q5_K, Q6_K, IQ4_XS -> PackedQ8.pack(w);
            case F32, F16, BF16 -> PackedF32.pack(w);
        };
    }
}
