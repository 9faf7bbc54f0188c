package dev.sparkllm.engine.cuda;

import dev.sparkllm.engine.model.ModelWeights;
import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;

/**
 * The 16-bit type the tensor cores multiply in: weights are held in it on the GPU (converted once
 * at load) and the matrix products' inputs are rounded to it; accumulation is float32.
 */
public enum ComputeType {
    /** For BF16 models: their weights are used as stored. */
    BF16("bf16", GgmlType.BF16),
    /** For F16 and quantized models: dequantized weights keep 11 significant bits, bf16 would keep 8. */
    F16("f16", GgmlType.F16);

    /** Suffix of the kernels' names for this type. */
    final String suffix;
    /** The GGUF type whose bytes are already this type (copied to the GPU without conversion). */
    final GgmlType stored;

    ComputeType(String suffix, GgmlType stored) {
        this.suffix = suffix;
        this.stored = stored;
    }

    /** BF16 when the model stores any matrix as BF16 (F16 could overflow its range), else F16. */
    static ComputeType of(ModelWeights w) {
        if (w.tokenEmbedding().type() == GgmlType.BF16 || w.output().type() == GgmlType.BF16) return BF16;
        for (var layer : w.layers()) {
            for (WeightTensor t : new WeightTensor[] {layer.wq(), layer.wk(), layer.wv(), layer.wo(), layer.wGate(), layer.wUp(), layer.wDown()}) {
                if (t.type() == GgmlType.BF16) return BF16;
            }
        }
        return F16;
    }
}
