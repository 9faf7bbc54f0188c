package dev.sparkllm.engine.cuda;

/**
 * Where and how big the CUDA backend runs.
 *
 * @param ordinal        the GPU (Spark's assigned address for the executor; 0 by default)
 * @param memoryFraction share of the GPU's free memory the engine takes ({@code spark.llm.gpu.memoryFraction})
 * @param rapidsFraction Spark RAPIDS' pool on the same GPU ({@code spark.rapids.memory.gpu.allocFraction}), 0 without RAPIDS
 */
public record CudaSettings(int ordinal, double memoryFraction, double rapidsFraction) {
    public static final CudaSettings DEFAULT = new CudaSettings(0, GpuMemoryBudget.DEFAULT_FRACTION, 0);

    public CudaSettings withOrdinal(int gpu) {
        return new CudaSettings(gpu, memoryFraction, rapidsFraction);
    }
}
