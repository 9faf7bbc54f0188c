package dev.sparkllm.planner.cost;

/**
 * The model dimensions that decide KV memory: each token keeps a key and a value vector of
 * {@code kvHeads * headDim} numbers in every layer.
 *
 * @param layers transformer layers
 * @param kvHeads key/value heads (fewer than query heads under grouped-query attention)
 * @param headDim numbers per head
 * @param bytesPerValue bytes of one cached number (2 for f16/bf16)
 */
public record ModelShape(int layers, int kvHeads, int headDim, int bytesPerValue) implements java.io.Serializable {
  public ModelShape {
    if (layers < 1 || kvHeads < 1 || headDim < 1 || bytesPerValue < 1) {
      throw new IllegalArgumentException("model shape needs positive sizes: " + layers + " layers, " + kvHeads
          + " kv heads, head dim " + headDim + ", " + bytesPerValue + " bytes per value");
    }
  }

  /** SmolLM2-135M: 30 layers, 3 KV heads of 64, f16 cache. */
  public static final ModelShape SMOLLM2_135M = new ModelShape(30, 3, 64, 2);
  /** Llama-3-8B: 32 layers, 8 KV heads of 128, bf16 cache. */
  public static final ModelShape LLAMA3_8B = new ModelShape(32, 8, 128, 2);

  public long kvBytesPerToken() {
    return 2L * layers * kvHeads * headDim * bytesPerValue;
  }
}
