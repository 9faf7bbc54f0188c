package dev.sparkllm.engine.cuda;

import dev.sparkllm.engine.cpu.Float16;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.util.Random;

/**
 * What GPU tests share: the skip rule and device buffer helpers. Without a usable GPU a GPU test
 * is skipped with the reason printed (never silently); with -Dsparkllm.requireGpu=true (the GPU
 * check script) it fails instead, so a GPU machine cannot pass by skipping.
 */
final class GpuTests {
    private GpuTests() {}

    static void requireGpu() {
        CudaAvailability a = CudaAvailability.probe(0);
        if (a.available()) return;
        String message = "GPU test skipped: " + a.reason();
        if (Boolean.getBoolean("sparkllm.requireGpu")) Assertions.fail(message.replace("skipped", "required but unavailable"));
        System.out.println(message);
        Assumptions.abort(message);
    }

    static CUdeviceptr upload(float[] values) {
        CUdeviceptr p = alloc(4L * values.length);
        JCudaDriver.cuMemcpyHtoD(p, Pointer.to(values), 4L * values.length);
        return p;
    }

    static CUdeviceptr upload(int[] values) {
        CUdeviceptr p = alloc(4L * Math.max(1, values.length));
        if (values.length > 0) JCudaDriver.cuMemcpyHtoD(p, Pointer.to(values), 4L * values.length);
        return p;
    }

    static CUdeviceptr upload(long[] values) {
        CUdeviceptr p = alloc(8L * values.length);
        JCudaDriver.cuMemcpyHtoD(p, Pointer.to(values), 8L * values.length);
        return p;
    }

    static CUdeviceptr upload(double[] values) {
        CUdeviceptr p = alloc(8L * values.length);
        JCudaDriver.cuMemcpyHtoD(p, Pointer.to(values), 8L * values.length);
        return p;
    }

    static CUdeviceptr upload16(short[] bits) {
        CUdeviceptr p = alloc(2L * bits.length);
        JCudaDriver.cuMemcpyHtoD(p, Pointer.to(bits), 2L * bits.length);
        return p;
    }

    static CUdeviceptr alloc(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(p, bytes);
        return p;
    }

    /** Fills with NaN bit patterns so an output element nothing writes cannot pass. */
    static void poison(CUdeviceptr p, long floats) {
        JCudaDriver.cuMemsetD32(p, 0x7fc00001, floats);
    }

    static float[] floats(CUdeviceptr p, int n) {
        float[] out = new float[n];
        JCudaDriver.cuMemcpyDtoH(Pointer.to(out), p, 4L * n);
        return out;
    }

    static int[] ints(CUdeviceptr p, int n) {
        int[] out = new int[n];
        JCudaDriver.cuMemcpyDtoH(Pointer.to(out), p, 4L * n);
        return out;
    }

    static short[] shorts(CUdeviceptr p, int n) {
        short[] out = new short[n];
        JCudaDriver.cuMemcpyDtoH(Pointer.to(out), p, 2L * n);
        return out;
    }

    static void free(CUdeviceptr... ps) {
        for (CUdeviceptr p : ps) JCudaDriver.cuMemFree(p);
    }

    /** 16-bit encodings of the compute type (round to nearest even). */
    static short encode(ComputeType t, float v) {
        if (t == ComputeType.F16) return Float16.fromFloat(v);
        int bits = Float.floatToRawIntBits(v);
        bits += 0x7fff + ((bits >>> 16) & 1);
        return (short) (bits >>> 16);
    }

    static float decode(ComputeType t, short bits) {
        return t == ComputeType.F16 ? Float16.toFloat(bits) : Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** Random values already rounded to the type (their 16-bit encodings in {@code bits}). */
    static float[] random(Random rnd, int n, float scale, ComputeType t, short[] bits) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            bits[i] = encode(t, (rnd.nextFloat() * 2 - 1) * scale);
            v[i] = decode(t, bits[i]);
        }
        return v;
    }

    /** ||a - b|| / ||b||. */
    static double relativeError(float[] a, double[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < b.length; i++) {
            Assertions.assertFalse(Float.isNaN(a[i]), "element " + i + " is NaN (not written?)");
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-30));
    }
}
