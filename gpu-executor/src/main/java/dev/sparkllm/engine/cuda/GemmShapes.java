package dev.sparkllm.engine.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled tile shapes of the matrix-product kernel, and which one each product uses.
 *
 * <p>Large tiles reuse each loaded tile more but give fewer blocks; which wins depends on the
 * product's shape and the GPU, so the first product of each shape (M rounded up to a power of two,
 * N, K) times every tile shape and keeps the fastest (autotuning, as cuBLAS' heuristics would
 * decide). A product whose output has too few tiles to occupy every multiprocessor is also split
 * along K, the partials summed in a fixed order. The split depends only on N and K, never on M or
 * the tile, so a row's result is the same bits whatever else is in the batch.
 * {@code -Dsparkllm.cuda.gemm=128x128_2x2_k64} forces one tile shape.
 */
final class GemmShapes {
    /**
     * One compiled shape: block tile BM x BN, k step BK, over WM x WN warps, of the kernel on the
     * wmma API ({@link #WMMA}), on mma.sync and ldmatrix ({@link #MMA}) or on Hopper's wgmma
     * ({@link #WGMMA}, sm_90a only).
     */
    record Shape(int kind, int bm, int bn, int bk, int wm, int wn, int sharedBytes) {
        String name() {
            return switch (kind) {
                case MMA -> "mma_" + bm + "x" + bn + "_" + wm + "x" + wn;
                case WGMMA -> "wg_" + bm + "x" + bn;
                default -> bm + "x" + bn + "_" + wm + "x" + wn + "_k" + bk;
            };
        }
        int threads() { return 32 * wm * wn; }
    }

    static final int WMMA = 0, MMA = 1, WGMMA = 2;
    /** gemm_wg's dynamic shared memory: 3 stages of two 16 KiB tiles, plus 1 KiB to align them to the swizzle's period. */
    private static final int WGMMA_SHARED_BYTES = 3 * 2 * 16384 + 1024;

    /** How a product runs: its tile shape and its split along K. */
    record Plan(Shape shape, int splits, int kChunk) {}

    /** The order of GEMM_SHAPES, then GEMM_MMA_SHAPES, in kernels.cu: mma (1 or 0), BM, BN, BK, WM, WN. */
    private static final int[][] COMPILED = {
            {0, 128, 64, 32, 2, 2}, {0, 64, 64, 32, 2, 2}, {0, 128, 128, 32, 2, 2},
            {0, 128, 64, 64, 2, 2}, {0, 64, 64, 64, 2, 2}, {0, 128, 128, 64, 2, 2}, {0, 256, 128, 32, 4, 2},
            {1, 128, 128, 32, 2, 4}, {1, 128, 256, 32, 2, 4}, {1, 64, 128, 32, 2, 2}};
    static final int MAX_SPLITS = 4;

    final List<Shape> shapes;
    private final int multiprocessors;
    private final Shape forced;
    private final Map<Long, Shape> tuned = new HashMap<>();

    GemmShapes(CudaKernels kernels, CUstream stream, int multiprocessors, jcuda.driver.CUdevice device) {
        CUdeviceptr out = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(out, 4L * COMPILED.length);
        int[] bytes = new int[COMPILED.length];
        try {
            kernels.launch("gemm_smem_bytes", stream, 1, 1, 1, 0, out);
            JCudaDriver.cuStreamSynchronize(stream);
            JCudaDriver.cuMemcpyDtoH(Pointer.to(bytes), out, 4L * bytes.length);
        } finally {
            JCudaDriver.cuMemFree(out);
        }
        List<Shape> list = new ArrayList<>();
        for (int i = 0; i < COMPILED.length; i++) {
            int[] c = COMPILED[i];
            list.add(new Shape(c[0], c[1], c[2], c[3], c[4], c[5], bytes[i]));
        }
        for (String type : new String[] {"f16", "bf16"}) {
            for (Shape s : list) kernels.allowSharedMemory(kernel(type, s), s.sharedBytes());
        }
        this.multiprocessors = multiprocessors;
        if (kernels.hopperKernels()) {
            Shape wg = new Shape(WGMMA, 128, 128, 64, 4, 2, WGMMA_SHARED_BYTES);
            String problem = verifiedApart(device, wg, list.get(0));
            if (problem == null) {
                for (String type : new String[] {"f16", "bf16"}) kernels.allowSharedMemory(kernel(type, wg), wg.sharedBytes());
                list.add(wg);
            } else {
                System.err.println("sparkllm: the wgmma matrix product is disabled: " + problem);
            }
        }
        shapes = List.copyOf(list);
        String want = System.getProperty("sparkllm.cuda.gemm");
        this.forced = want == null ? null : shapes.stream().filter(s -> s.name().equals(want)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("sparkllm.cuda.gemm=" + want + " is not one of " + shapes.stream().map(Shape::name).toList()));
    }

    /**
     * The self-check of {@code candidate} in a context of its own, so that a kernel fault (which
     * would poison the context it happens in) cannot harm the engine's; null when it passed.
     */
    private String verifiedApart(jcuda.driver.CUdevice device, Shape candidate, Shape reference) {
        jcuda.driver.CUcontext current = new jcuda.driver.CUcontext();
        JCudaDriver.cuCtxGetCurrent(current);
        jcuda.driver.CUcontext probe = new jcuda.driver.CUcontext();
        try {
            JCudaDriver.cuCtxCreate(probe, 0, device);
            CudaKernels k = new CudaKernels(9, 0);
            if (!k.hopperKernels()) return "the sm_90a image did not load";
            CUstream s = new CUstream();
            JCudaDriver.cuStreamCreate(s, 0);
            String problem = null;
            for (String type : new String[] {"f16", "bf16"}) {
                k.allowSharedMemory(kernel(type, candidate), candidate.sharedBytes());
                k.allowSharedMemory(kernel(type, reference), reference.sharedBytes());
                if (problem == null) problem = selfCheck(k, s, type, candidate, reference);
            }
            return problem;
        } catch (RuntimeException e) {
            return e.getMessage();
        } finally {
            try {
                JCudaDriver.cuCtxDestroy(probe);
            } catch (RuntimeException ignored) {
                // a context that faulted may refuse a clean destroy; the engine's is untouched
            }
            JCudaDriver.cuCtxSetCurrent(current);
        }
    }

    /**
     * Runs {@code candidate} against {@code reference} (a verified kernel) on random inputs whose
     * sizes are not multiples of the tiles, whole and split along K; null when they agree.
     */
    private String selfCheck(CudaKernels kernels, CUstream stream, String type, Shape candidate, Shape reference) {
        int m = 200, n = 328, k = 1096;
        CUdeviceptr x = new CUdeviceptr(), w = new CUdeviceptr(), y1 = new CUdeviceptr(), y2 = new CUdeviceptr(), parts = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(x, 2L * m * k);
        JCudaDriver.cuMemAlloc(w, 2L * n * k);
        JCudaDriver.cuMemAlloc(y1, 4L * m * n);
        JCudaDriver.cuMemAlloc(y2, 4L * m * n);
        JCudaDriver.cuMemAlloc(parts, 4L * 3 * m * n);
        try {
            kernels.launch("fill_random_" + type, stream, 256, 1, 256, 0, x, (long) m * k, 11L, 1f);
            kernels.launch("fill_random_" + type, stream, 256, 1, 256, 0, w, (long) n * k, 12L, 1f);
            launch(kernels, type, reference, 1, stream, x, w, y1, parts, m, n, k, false);
            float[] ref = new float[m * n], got = new float[m * n];
            JCudaDriver.cuStreamSynchronize(stream);
            JCudaDriver.cuMemcpyDtoH(Pointer.to(ref), y1, 4L * ref.length);
            for (int splits : new int[] {1, 3}) {
                JCudaDriver.cuMemsetD32(y2, 0x7fc00001, (long) m * n);
                launch(kernels, type, candidate, splits, stream, x, w, y2, parts, m, n, k, false);
                JCudaDriver.cuStreamSynchronize(stream);
                JCudaDriver.cuMemcpyDtoH(Pointer.to(got), y2, 4L * got.length);
                double num = 0, den = 0;
                for (int i = 0; i < ref.length; i++) {
                    double dlt = got[i] - ref[i];
                    num += dlt * dlt;
                    den += (double) ref[i] * ref[i];
                }
                double err = Math.sqrt(num / den);
                if (!(err < 1e-4)) return type + " " + m + "x" + n + "x" + k + " split " + splits + ": relative error " + err + " against " + reference.name();
            }
            return null;
        } catch (RuntimeException e) {
            return type + ": " + e.getMessage();
        } finally {
            JCudaDriver.cuMemFree(x);
            JCudaDriver.cuMemFree(w);
            JCudaDriver.cuMemFree(y1);
            JCudaDriver.cuMemFree(y2);
            JCudaDriver.cuMemFree(parts);
        }
    }

    static String kernel(String type, Shape s) {
        return "gemm_" + type + "_" + s.name();
    }

    /**
     * Splits along K for an N x K product: enough that a 256-row batch fills the multiprocessors
     * with 128 x 128 tiles, at most {@link #MAX_SPLITS}, each split at least 512 deep.
     */
    int splits(int n, int k) {
        int tiles = 2 * ((n + 127) / 128);
        if (tiles >= multiprocessors) return 1;
        int s = Math.min(MAX_SPLITS, (multiprocessors + tiles - 1) / tiles);
        while (s > 1 && k / s < 512) s--;
        return s;
    }

    /** K per split: a multiple of 64, so every tile shape's k steps stay inside one split. */
    static int kChunk(int k, int splits) {
        int chunk = (k + splits - 1) / splits;
        return (chunk + 63) / 64 * 64;
    }

    /** Floats of split-K partials a product of up to {@code maxM} rows needs ({@code splits * M * N}). */
    long partialFloats(int maxM, int n, int k) {
        int s = splits(n, k);
        return s == 1 ? 0 : (long) s * maxM * n;
    }

    /**
     * Runs Y (+)= X W^T with the tuned tile for its shape (tuning it first if new: into
     * {@code scratch}, at least M x N floats, so an accumulating product's Y is untouched).
     */
    void run(CudaKernels kernels, String type, CUstream stream, CUdeviceptr x, CUdeviceptr w, CUdeviceptr y,
             CUdeviceptr partials, CUdeviceptr scratch, int m, int n, int k, boolean accumulate) {
        Shape shape = forced != null ? forced : tuned.get(key(m, n, k));
        if (shape == null) shape = tune(kernels, type, stream, x, w, scratch, partials, m, n, k);
        launch(kernels, type, shape, splits(n, k), stream, x, w, y, partials, m, n, k, accumulate);
    }

    private Shape tune(CudaKernels kernels, String type, CUstream stream, CUdeviceptr x, CUdeviceptr w, CUdeviceptr scratch,
                       CUdeviceptr partials, int m, int n, int k) {
        Shape best = null;
        long bestNanos = Long.MAX_VALUE;
        int splits = splits(n, k);
        for (Shape s : shapes) {
            long fastest = Long.MAX_VALUE;
            for (int rep = 0; rep < 3; rep++) { // the first also loads the kernel
                JCudaDriver.cuStreamSynchronize(stream);
                long start = System.nanoTime();
                launch(kernels, type, s, splits, stream, x, w, scratch, partials, m, n, k, false);
                JCudaDriver.cuStreamSynchronize(stream);
                if (rep > 0) fastest = Math.min(fastest, System.nanoTime() - start);
            }
            if (fastest < bestNanos) {
                bestNanos = fastest;
                best = s;
            }
        }
        tuned.put(key(m, n, k), best);
        return best;
    }

    /** The tuned tile for a product shape, or null before its first run. */
    Shape tunedFor(int m, int n, int k) {
        return forced != null ? forced : tuned.get(key(m, n, k));
    }

    private static long key(int m, int n, int k) {
        int bucket = Math.max(16, Integer.highestOneBit(Math.max(1, m - 1)) << 1);
        return ((long) bucket << 42) ^ ((long) n << 21) ^ k;
    }

    void launch(CudaKernels kernels, String type, Shape s, int splits, CUstream stream, CUdeviceptr x, CUdeviceptr w,
                CUdeviceptr y, CUdeviceptr partials, int m, int n, int k, boolean accumulate) {
        int gx = (m + s.bm() - 1) / s.bm(), gy = (n + s.bn() - 1) / s.bn();
        if (splits == 1) {
            kernels.launch3(kernel(type, s), stream, gx, gy, 1, s.threads(), s.sharedBytes(),
                    x, w, y, m, n, k, accumulate ? 1 : 0, k, 0L);
            return;
        }
        int chunk = kChunk(k, splits);
        int z = (k + chunk - 1) / chunk;
        long mn = (long) m * n;
        kernels.launch3(kernel(type, s), stream, gx, gy, z, s.threads(), s.sharedBytes(),
                x, w, partials, m, n, k, 0, chunk, mn);
        kernels.launch("splitk_reduce", stream, (int) Math.min(8192, (mn + 255) / 256), 1, 256, 0,
                partials, y, mn, z, accumulate ? 1 : 0);
    }
}
