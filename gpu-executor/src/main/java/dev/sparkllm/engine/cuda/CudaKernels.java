package dev.sparkllm.engine.cuda;

import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The kernels of {@code src/main/cuda/kernels.cu}, loaded from the jar into the current context:
 * the cubin for the GPU's architecture when the jar has one (sm_80, sm_90), else the PTX, which
 * the driver compiles for the GPU.
 */
final class CudaKernels {
    private static final String DIR = "/dev/sparkllm/engine/cuda/";
    private final CUmodule module = new CUmodule();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final String loaded;
    /** When set (-Dsparkllm.cuda.sync=true), every launch is followed by a synchronize, so an error names its kernel. */
    private final boolean syncEachLaunch = Boolean.getBoolean("sparkllm.cuda.sync");
    private boolean profiling;
    private final Map<String, Long> profileNanos = new java.util.TreeMap<>();

    CudaKernels(int ccMajor, int ccMinor) {
        String cubin = "kernels.sm_" + ccMajor + ccMinor + ".cubin";
        byte[] image = read(cubin);
        // Hopper first tries the image that also has its wgmma kernels (sm_90a runs only on 9.0 parts).
        byte[] hopper = ccMajor == 9 && ccMinor == 0 ? read("kernels.sm_90a.cubin") : null;
        if (hopper != null && tryLoad(hopper)) {
            loaded = "kernels.sm_90a.cubin";
            return;
        }
        if (image != null) {
            loaded = cubin;
        } else {
            byte[] ptx = read("kernels.ptx");
            if (ptx == null) throw new IllegalStateException("the jar carries no CUDA kernels");
            image = java.util.Arrays.copyOf(ptx, ptx.length + 1); // the driver wants a NUL-terminated PTX string
            loaded = "kernels.ptx";
        }
        JCudaDriver.cuModuleLoadData(module, image);
    }

    private boolean tryLoad(byte[] image) {
        try {
            JCudaDriver.cuModuleLoadData(module, image);
            return true;
        } catch (RuntimeException e) {
            System.err.println("sparkllm: the sm_90a kernels did not load (" + e.getMessage() + "); using sm_90");
            return false;
        }
    }

    /** Whether the loaded image has the Hopper-only (wgmma) kernels. */
    boolean hopperKernels() { return loaded.equals("kernels.sm_90a.cubin"); }

    static boolean packaged() {
        return CudaKernels.class.getResource(DIR + "kernels.ptx") != null;
    }

    /** Which image was loaded ("kernels.sm_90.cubin" or "kernels.ptx"). */
    String loaded() { return loaded; }

    CUfunction function(String name) {
        return functions.computeIfAbsent(name, n -> {
            CUfunction f = new CUfunction();
            JCudaDriver.cuModuleGetFunction(f, module, n);
            return f;
        });
    }

    /** Allows {@code bytes} of dynamic shared memory (beyond the default 48 KiB) for a kernel. */
    void allowSharedMemory(String name, int bytes) {
        JCudaDriver.cuFuncSetAttribute(function(name), CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes);
    }

    /** Launches kernel {@code name}; each argument is a device pointer or a boxed int, long, float or double. */
    void launch(String name, CUstream stream, int gridX, int gridY, int blockX, int sharedBytes, Object... args) {
        launch3(name, stream, gridX, gridY, 1, blockX, sharedBytes, args);
    }

    /** {@link #launch} with a third grid dimension. */
    void launch3(String name, CUstream stream, int gridX, int gridY, int gridZ, int blockX, int sharedBytes, Object... args) {
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) params[i] = parameter(args[i]);
        if (profiling) JCudaDriver.cuStreamSynchronize(stream);
        long start = System.nanoTime();
        JCudaDriver.cuLaunchKernel(function(name), gridX, gridY, gridZ, blockX, 1, 1, sharedBytes, stream, Pointer.to(params), null);
        if (profiling) {
            JCudaDriver.cuStreamSynchronize(stream);
            String family = name.replaceAll("_(f16|bf16|d64|d128).*$", "");
            profileNanos.merge(family, System.nanoTime() - start, Long::sum);
        }
        if (syncEachLaunch) {
            try {
                JCudaDriver.cuStreamSynchronize(stream);
            } catch (RuntimeException e) {
                throw new IllegalStateException("CUDA kernel " + name + " failed: " + e.getMessage(), e);
            }
        }
    }

    void profile(boolean on) { profiling = on; }

    Map<String, Double> takeProfile() {
        Map<String, Double> ms = new java.util.TreeMap<>();
        profileNanos.forEach((k, v) -> ms.put(k, v / 1e6));
        profileNanos.clear();
        return ms;
    }

    private static Pointer parameter(Object a) {
        if (a instanceof Pointer p) return Pointer.to(p);
        if (a instanceof Integer v) return Pointer.to(new int[] {v});
        if (a instanceof Long v) return Pointer.to(new long[] {v});
        if (a instanceof Float v) return Pointer.to(new float[] {v});
        if (a instanceof Double v) return Pointer.to(new double[] {v});
        throw new IllegalArgumentException("unsupported kernel argument " + a);
    }

    void unload() {
        JCudaDriver.cuModuleUnload(module);
    }

    private static byte[] read(String file) {
        try (InputStream in = CudaKernels.class.getResourceAsStream(DIR + file)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
