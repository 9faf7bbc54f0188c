package dev.sparkllm.engine.cuda;

import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * Whether the CUDA backend can run here, and if not, why: the reason is what a user sees when the
 * engine falls back to the CPU. Checked once per JVM and ordinal; nothing here allocates on a GPU.
 *
 * @param available true when kernels, the JCuda native library, a driver and the GPU are all there
 * @param reason    why it is unavailable (null when available)
 * @param device    "NVIDIA H100 80GB HBM3, compute capability 9.0, 79.1 GiB" (null when unavailable)
 */
public record CudaAvailability(boolean available, String reason, String device) {

    private static final java.util.Map<Integer, CudaAvailability> PROBED = new java.util.concurrent.ConcurrentHashMap<>();

    /** Probes GPU {@code ordinal} (once per JVM). Never throws: every failure becomes the reason. */
    public static CudaAvailability probe(int ordinal) {
        return PROBED.computeIfAbsent(ordinal, CudaAvailability::probeNow);
    }

    private static CudaAvailability probeNow(int ordinal) {
        if (!CudaKernels.packaged()) {
            return unavailable("the jar carries no CUDA kernels (they are built only where NVRTC 12 is installed; see gpu-executor/src/main/cuda/build_kernels.py)");
        }
        try {
            JCudaDriver.setExceptionsEnabled(true);
            JCudaDriver.cuInit(0);
        } catch (Throwable e) { // UnsatisfiedLinkError without libcuda.so.1, CudaException without a driver
            String m = String.valueOf(e.getMessage());
            if (m.contains("libcuda.so.1")) return unavailable("no NVIDIA driver on this machine (libcuda.so.1 not found)");
            return unavailable("no usable CUDA driver: " + e.getClass().getSimpleName() + ": " + m.lines().findFirst().orElse(""));
        }
        try {
            int[] count = new int[1];
            JCudaDriver.cuDeviceGetCount(count);
            if (count[0] == 0) return unavailable("the CUDA driver sees no GPU");
            if (ordinal < 0 || ordinal >= count[0]) {
                return unavailable("GPU ordinal " + ordinal + " does not exist (the driver sees " + count[0] + ")");
            }
            CUdevice device = new CUdevice();
            JCudaDriver.cuDeviceGet(device, ordinal);
            int[] major = new int[1], minor = new int[1];
            JCudaDriver.cuDeviceGetAttribute(major, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
            JCudaDriver.cuDeviceGetAttribute(minor, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
            if (major[0] < 8) {
                return unavailable("GPU " + ordinal + " has compute capability " + major[0] + "." + minor[0] + "; the kernels need 8.0 (Ampere) or newer");
            }
            byte[] name = new byte[256];
            JCudaDriver.cuDeviceGetName(name, name.length, device);
            long[] total = new long[1];
            JCudaDriver.cuDeviceTotalMem(total, device);
            String n = new String(name, java.nio.charset.StandardCharsets.US_ASCII).trim().replace("\0", "");
            return new CudaAvailability(true, null, String.format("%s, compute capability %d.%d, %.1f GiB",
                    n, major[0], minor[0], total[0] / (double) (1L << 30)));
        } catch (Throwable e) {
            return unavailable("CUDA device query failed: " + e.getMessage());
        }
    }

    private static CudaAvailability unavailable(String reason) {
        return new CudaAvailability(false, reason, null);
    }
}
