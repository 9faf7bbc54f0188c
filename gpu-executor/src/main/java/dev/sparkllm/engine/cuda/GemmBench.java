package dev.sparkllm.engine.cuda;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times every compiled tile shape of the BF16 matrix product on given product shapes (random
 * data, weights larger than L2), so the shape choice rests on measurements of this GPU.
 */
public final class GemmBench {
    private GemmBench() {}

    /** One line per (product shape, tile shape): milliseconds, TFLOP/s and weight GB/s; also JSON rows into {@code json}. */
    public static List<String> run(CudaModelRunner runner, int[][] mnk, int reps, List<String> json) {
        runner.makeCurrent();
        CudaKernels k = runner.kernels();
        GemmShapes shapes = runner.gemmShapes();
        List<String> lines = new ArrayList<>();
        for (int[] p : mnk) {
            int m = p[0], n = p[1], kk = p[2];
            CUdeviceptr x = new CUdeviceptr(), w = new CUdeviceptr(), y = new CUdeviceptr(), partials = new CUdeviceptr();
            JCudaDriver.cuMemAlloc(x, 2L * m * kk);
            JCudaDriver.cuMemAlloc(w, 2L * n * kk);
            JCudaDriver.cuMemAlloc(y, 4L * m * n);
            JCudaDriver.cuMemAlloc(partials, 4L * Math.max(1, shapes.partialFloats(m, n, kk)));
            int splits = shapes.splits(n, kk);
            try {
                k.launch("fill_random_bf16", runner.stream(), 1024, 1, 256, 0, x, (long) m * kk, 1L, 1f);
                k.launch("fill_random_bf16", runner.stream(), 1024, 1, 256, 0, w, (long) n * kk, 2L, 0.05f);
                shapes.run(k, "bf16", runner.stream(), x, w, y, partials, y, m, n, kk, false); // tunes
                GemmShapes.Shape chosen = shapes.tunedFor(m, n, kk);
                for (GemmShapes.Shape s : shapes.shapes) {
                    for (int i = 0; i < 2; i++) shapes.launch(k, "bf16", s, splits, runner.stream(), x, w, y, partials, m, n, kk, false);
                    JCudaDriver.cuStreamSynchronize(runner.stream());
                    long start = System.nanoTime();
                    for (int i = 0; i < reps; i++) shapes.launch(k, "bf16", s, splits, runner.stream(), x, w, y, partials, m, n, kk, false);
                    JCudaDriver.cuStreamSynchronize(runner.stream());
                    double ms = (System.nanoTime() - start) / 1e6 / reps;
                    double tflops = 2.0 * m * n * kk / (ms / 1e3) / 1e12;
                    double gbs = 2.0 * n * kk / (ms / 1e3) / 1e9;
                    String mark = s.equals(chosen) ? " (chosen)" : "";
                    lines.add(String.format(Locale.ROOT, "  gemm %dx%dx%d split %d tile %-16s %8.3f ms %7.1f TFLOP/s %7.0f GB/s of weights%s",
                            m, n, kk, splits, s.name(), ms, tflops, gbs, mark));
                    json.add(String.format(Locale.ROOT, "{\"m\":%d,\"n\":%d,\"k\":%d,\"splits\":%d,\"tile\":\"%s\",\"ms\":%.4f,\"tflops\":%.1f,\"chosen\":%b}",
                            m, n, kk, splits, s.name(), ms, tflops, s.equals(chosen)));
                }
            } finally {
                JCudaDriver.cuMemFree(x);
                JCudaDriver.cuMemFree(w);
                JCudaDriver.cuMemFree(y);
                JCudaDriver.cuMemFree(partials);
            }
        }
        return lines;
    }
}
