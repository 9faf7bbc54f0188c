package dev.sparkllm.engine.cuda;

/**
 * How much of the GPU the engine takes: a fraction of the memory free when it starts. When Spark
 * RAPIDS shares the GPU, its pool ({@code spark.rapids.memory.gpu.allocFraction} of the whole card)
 * and ours must fit together; asking for more than the card has is an error that names both
 * settings, not a crash at the first allocation.
 *
 * @param bytes what the engine allocates (weights, activations and the KV pool, in one arena)
 */
public record GpuMemoryBudget(long bytes) {
    /** Default share of the free memory (the rest is left for the driver, other libraries and fragmentation). */
    public static final double DEFAULT_FRACTION = 0.9;

    /**
     * @param freeBytes      free device memory now
     * @param totalBytes     the card's memory
     * @param fraction       spark.llm.gpu.memoryFraction: share of free memory the engine takes, in (0, 1]
     * @param rapidsFraction spark.rapids.memory.gpu.allocFraction when RAPIDS runs in the same executor, else 0
     */
    public static GpuMemoryBudget of(long freeBytes, long totalBytes, double fraction, double rapidsFraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("spark.llm.gpu.memoryFraction must be in (0, 1], got " + fraction);
        }
        if (!(rapidsFraction >= 0 && rapidsFraction <= 1)) {
            throw new IllegalArgumentException("spark.rapids.memory.gpu.allocFraction must be in [0, 1], got " + rapidsFraction);
        }
        long ours = (long) (freeBytes * fraction);
        long rapids = (long) (totalBytes * rapidsFraction);
        if (rapidsFraction > 0 && ours + rapids > freeBytes) {
            throw new IllegalArgumentException(String.format(
                    "the GPU has %.1f GiB free of %.1f GiB; spark.llm.gpu.memoryFraction %.2f (%.1f GiB of the free memory) plus "
                            + "spark.rapids.memory.gpu.allocFraction %.2f (%.1f GiB) ask for %.1f GiB. Lower one of them so they add up to "
                            + "at most the free memory, e.g. spark.llm.gpu.memoryFraction=%.2f",
                    gib(freeBytes), gib(totalBytes), fraction, gib(ours), rapidsFraction, gib(rapids), gib(ours + rapids),
                    Math.max(0.0, Math.floor((freeBytes - rapids) * 100.0 / freeBytes) / 100.0)));
        }
        return new GpuMemoryBudget(ours);
    }

    private static double gib(long bytes) {
        return bytes / (double) (1L << 30);
    }
}
