package dev.sparkllm.engine.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.util.List;

/**
 * The compiled tile shapes of the matrix-product kernel, and which one a product uses. Large
 * tiles reuse each loaded tile more (fewer shared-memory and L2 reads per multiply) but give fewer
 * blocks; a product that would leave streaming multiprocessors idle with them takes a smaller one.
 * {@code -Dsparkllm.cuda.gemm=128x64_2x2} forces one shape (benchmarks).
 */
final class GemmShapes {
    /** One compiled shape: block tile BM x BN over WM x WN warps. */
    record Shape(int bm, int bn, int wm, int wn, int sharedBytes) {
        String name() { return bm + "x" + bn + "_" + wm + "x" + wn; }
        int threads() { return 32 * wm * wn; }
        long blocks(int m, int n) { return (long) ((m + bm - 1) / bm) * ((n + bn - 1) / bn); }
    }

    final List<Shape> shapes;
    private final int multiprocessors;
    private final Shape forced;

    GemmShapes(CudaKernels kernels, CUstream stream, int multiprocessors) {
        CUdeviceptr out = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(out, 16);
        int[] bytes = new int[4];
        try {
            kernels.launch("gemm_smem_bytes", stream, 1, 1, 1, 0, out);
            JCudaDriver.cuStreamSynchronize(stream);
            JCudaDriver.cuMemcpyDtoH(Pointer.to(bytes), out, 16);
        } finally {
            JCudaDriver.cuMemFree(out);
        }
        // The order of gemm_smem_bytes in kernels.cu.
        shapes = List.of(new Shape(128, 64, 2, 2, bytes[0]), new Shape(64, 64, 2, 2, bytes[1]),
                new Shape(128, 128, 2, 4, bytes[2]), new Shape(128, 128, 2, 2, bytes[3]));
        for (String type : new String[] {"f16", "bf16"}) {
            for (Shape s : shapes) kernels.allowSharedMemory(kernel(type, s), s.sharedBytes());
        }
        this.multiprocessors = multiprocessors;
        String want = System.getProperty("sparkllm.cuda.gemm");
        this.forced = want == null ? null : shapes.stream().filter(s -> s.name().equals(want)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("sparkllm.cuda.gemm=" + want + " is not one of " + shapes.stream().map(Shape::name).toList()));
    }

    static String kernel(String type, Shape s) {
        return "gemm_" + type + "_" + s.name();
    }

    /** The largest tile that still gives every multiprocessor a block; the smallest when none does. */
    Shape pick(int m, int n) {
        if (forced != null) return forced;
        Shape big = shapes.get(2), mid = shapes.get(0), small = shapes.get(1);
        if (big.blocks(m, n) >= multiprocessors) return big;
        if (mid.blocks(m, n) >= multiprocessors) return mid;
        return small;
    }

    void launch(CudaKernels kernels, String type, Shape s, CUstream stream, CUdeviceptr x, CUdeviceptr w, CUdeviceptr y,
                int m, int n, int k, boolean accumulate) {
        kernels.launch(kernel(type, s), stream, (m + s.bm() - 1) / s.bm(), (n + s.bn() - 1) / s.bn(), s.threads(), s.sharedBytes(),
                x, w, y, m, n, k, accumulate ? 1 : 0);
    }
}
