package dev.sparkllm.engine.cuda;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * The engine's device memory: one allocation of the whole budget ({@link GpuMemoryBudget}), carved
 * into the weights, the activation workspace and the KV pool, each aligned to 256 bytes. One
 * allocation means the engine's footprint is fixed and known up front, so a co-tenant (Spark
 * RAPIDS, another executor's engine) never sees it grow; running out is an error at load time that
 * says what did not fit.
 */
final class DeviceArena implements AutoCloseable {
    private static final long ALIGN = 256;
    private final CUdeviceptr base = new CUdeviceptr();
    private final long capacity;
    private long used;

    DeviceArena(long bytes) {
        this.capacity = bytes;
        JCudaDriver.cuMemAlloc(base, bytes);
    }

    /** {@code bytes} of device memory for {@code what} (named in the error when it does not fit). */
    CUdeviceptr take(long bytes, String what) {
        long start = (used + ALIGN - 1) / ALIGN * ALIGN;
        if (start + bytes > capacity) {
            throw new IllegalStateException(String.format(
                    "GPU memory budget exhausted: %s needs %.1f MiB but only %.1f MiB of the engine's %.1f MiB are left "
                            + "(raise spark.llm.gpu.memoryFraction, lower spark.llm.engine.kvCacheMiB or maxStepTokens, or use a smaller model)",
                    what, bytes / 1048576.0, (capacity - Math.min(capacity, start)) / 1048576.0, capacity / 1048576.0));
        }
        used = start + bytes;
        return base.withByteOffset(start);
    }

    long free() { return capacity - (used + ALIGN - 1) / ALIGN * ALIGN; }

    long used() { return used; }

    long capacity() { return capacity; }

    @Override
    public void close() {
        JCudaDriver.cuMemFree(base);
    }
}
