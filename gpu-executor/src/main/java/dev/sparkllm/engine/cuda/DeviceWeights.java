package dev.sparkllm.engine.cuda;

import dev.sparkllm.engine.cpu.Dequantize;
import dev.sparkllm.engine.model.LayerWeights;
import dev.sparkllm.engine.model.ModelConfig;
import dev.sparkllm.engine.model.ModelWeights;
import dev.sparkllm.engine.tensor.WeightTensor;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A model's weights in device memory, in the layout the kernels want: each matrix row-major in
 * the compute type, q/k/v fused into one matrix and gate/up into another (one product each instead
 * of three and two), norms and biases as float32. Quantized and F32 weights are dequantized once,
 * here, on the host; F16 and BF16 weights matching the compute type are copied as they are.
 */
final class DeviceWeights {
    /**
     * One layer: pointers into the arena. {@code qkvBias} is null when the model has no biases;
     * the q/k norms and the sublayer output norms are null when its switches leave them out.
     */
    record Layer(CUdeviceptr attnNorm, CUdeviceptr qkv, CUdeviceptr qkvBias, CUdeviceptr wo,
                 CUdeviceptr ffnNorm, CUdeviceptr gateUp, CUdeviceptr down,
                 CUdeviceptr qNorm, CUdeviceptr kNorm, CUdeviceptr postAttnNorm, CUdeviceptr postFfnNorm) {}

    final ComputeType type;
    final CUdeviceptr embedding;
    final CUdeviceptr output;
    final CUdeviceptr outputNorm;
    final Layer[] layers;

    private DeviceWeights(ComputeType type, CUdeviceptr embedding, CUdeviceptr output, CUdeviceptr outputNorm, Layer[] layers) {
        this.type = type;
        this.embedding = embedding;
        this.output = output;
        this.outputNorm = outputNorm;
        this.layers = layers;
    }

    /** Device bytes the weights of {@code c} take (the output matrix once more unless tied). */
    static long bytes(ModelConfig c, boolean tied, boolean biases) {
        long perLayer = 2L * c.dim() * ((long) c.qDim() + 2L * c.kvDim() + c.qDim() + 3L * c.ffnDim())
                + 4L * 4 * c.dim() + 4L * 2 * c.headDim() + (biases ? 4L * (c.qDim() + 2L * c.kvDim()) : 0) + 4 * 256 * 5;
        long table = 2L * c.vocabSize() * c.dim();
        return perLayer * c.layers() + table * (tied ? 1 : 2) + 4L * c.dim() + 4 * 256;
    }

    static DeviceWeights upload(ModelConfig c, ModelWeights w, DeviceArena arena, CudaKernels kernels, CUstream stream) {
        ComputeType type = ComputeType.of(w);
        try (Uploader up = new Uploader(type, arena, kernels, stream)) {
            CUdeviceptr embedding = up.matrix("token embedding", w.tokenEmbedding());
            CUdeviceptr output = w.output() == w.tokenEmbedding() ? embedding : up.matrix("output", w.output());
            CUdeviceptr outputNorm = up.floats("output norm", w.outputNorm());
            Layer[] layers = new Layer[c.layers()];
            for (int l = 0; l < layers.length; l++) {
                LayerWeights lw = w.layers()[l];
                String p = "layer " + l + " ";
                CUdeviceptr bias = null;
                if (lw.bq() != null || lw.bk() != null || lw.bv() != null) {
                    float[] b = new float[c.qDim() + 2 * c.kvDim()];
                    if (lw.bq() != null) System.arraycopy(lw.bq(), 0, b, 0, c.qDim());
                    if (lw.bk() != null) System.arraycopy(lw.bk(), 0, b, c.qDim(), c.kvDim());
                    if (lw.bv() != null) System.arraycopy(lw.bv(), 0, b, c.qDim() + c.kvDim(), c.kvDim());
                    bias = up.floats(p + "q/k/v bias", b);
                }
                layers[l] = new Layer(
                        up.floats(p + "attention norm", lw.attnNorm()),
                        up.fused(p + "q/k/v", lw.wq(), lw.wk(), lw.wv()),
                        bias,
                        up.matrix(p + "attention output", lw.wo()),
                        up.floats(p + "feed-forward norm", lw.ffnNorm()),
                        up.fused(p + "gate/up", lw.wGate(), lw.wUp()),
                        up.matrix(p + "down", lw.wDown()),
                        up.optionalFloats(p + "q norm", lw.qNorm()),
                        up.optionalFloats(p + "k norm", lw.kNorm()),
                        up.optionalFloats(p + "attention output norm", lw.postAttnNorm()),
                        up.optionalFloats(p + "feed-forward output norm", lw.postFfnNorm()));
            }
            return new DeviceWeights(type, embedding, output, outputNorm, layers);
        }
    }

    /**
     * Pseudo-random weights made on the device (uniform, scaled by 1/sqrt(fan-in) so activations
     * keep their size through the layers; norms 1): a benchmark model of any size, no upload.
     */
    static DeviceWeights random(ModelConfig c, ComputeType type, long seed, DeviceArena arena, CudaKernels kernels, CUstream stream) {
        int[] counter = {0};
        java.util.function.BiFunction<long[], String, CUdeviceptr> fill = (shape, name) -> {
            long n = shape[0] * shape[1];
            CUdeviceptr p = arena.take(2 * n, name);
            float scale = (float) Math.sqrt(3.0 / shape[1]);
            kernels.launch("fill_random_" + type.suffix, stream, 1024, 1, 256, 0, p, n, seed + 7919L * ++counter[0], scale);
            return p;
        };
        Uploader up = new Uploader(type, arena, kernels, stream);
        float[] ones = new float[Math.max(c.dim(), c.headDim())];
        java.util.Arrays.fill(ones, 1f);
        boolean qk = c.switches().qkNorm(), sandwich = c.switches().sandwichNorms();
        CUdeviceptr embedding = fill.apply(new long[] {c.vocabSize(), c.dim()}, "token embedding");
        CUdeviceptr output = fill.apply(new long[] {c.vocabSize(), c.dim()}, "output");
        CUdeviceptr outputNorm = up.floats("output norm", ones);
        Layer[] layers = new Layer[c.layers()];
        for (int l = 0; l < layers.length; l++) {
            String p = "layer " + l + " ";
            layers[l] = new Layer(up.floats(p + "attention norm", ones),
                    fill.apply(new long[] {c.qDim() + 2L * c.kvDim(), c.dim()}, p + "q/k/v"),
                    null,
                    fill.apply(new long[] {c.dim(), c.qDim()}, p + "attention output"),
                    up.floats(p + "feed-forward norm", ones),
                    fill.apply(new long[] {2L * c.ffnDim(), c.dim()}, p + "gate/up"),
                    fill.apply(new long[] {c.dim(), c.ffnDim()}, p + "down"),
                    qk ? up.floats(p + "q norm", ones) : null,
                    qk ? up.floats(p + "k norm", ones) : null,
                    sandwich ? up.floats(p + "attention output norm", ones) : null,
                    sandwich ? up.floats(p + "feed-forward output norm", ones) : null);
        }
        JCudaDriver.cuStreamSynchronize(stream);
        return new DeviceWeights(type, embedding, output, outputNorm, layers);
    }

    /** Copies a device matrix of {@code rows x cols} compute-type values back as a little-endian buffer (tests, reference runs). */
    static ByteBuffer download(CUdeviceptr p, long rowOffset, int rows, int cols) {
        long bytes = 2L * rows * cols;
        ByteBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        JCudaDriver.cuMemcpyDtoH(Pointer.to(b), p.withByteOffset(2L * rowOffset * cols), bytes);
        return b;
    }

    /** Writes weights into the arena, converting through a float staging buffer where needed. */
    static final class Uploader implements AutoCloseable {
        private static final int STAGING_FLOATS = 1 << 22;
        private final ComputeType type;
        private final DeviceArena arena;
        private final CudaKernels kernels;
        private final CUstream stream;
        private CUdeviceptr staging;
        private float[] rowsBuffer;

        Uploader(ComputeType type, DeviceArena arena, CudaKernels kernels, CUstream stream) {
            this.type = type;
            this.arena = arena;
            this.kernels = kernels;
            this.stream = stream;
        }

        CUdeviceptr floats(String name, float[] values) {
            CUdeviceptr p = arena.take(4L * values.length, name);
            JCudaDriver.cuMemcpyHtoD(p, Pointer.to(values), 4L * values.length);
            return p;
        }

        CUdeviceptr optionalFloats(String name, float[] values) {
            return values == null ? null : floats(name, values);
        }

        CUdeviceptr matrix(String name, WeightTensor t) {
            return fused(name, t);
        }

        /** The tensors' rows one after another (all have the same column count). */
        CUdeviceptr fused(String name, WeightTensor... parts) {
            long rows = 0;
            for (WeightTensor t : parts) {
                if (t.cols() != parts[0].cols()) throw new IllegalArgumentException(name + ": fused tensors differ in width");
                rows += t.rows();
            }
            CUdeviceptr p = arena.take(2L * rows * parts[0].cols(), name);
            long rowAt = 0;
            for (WeightTensor t : parts) {
                write(p.withByteOffset(2L * rowAt * t.cols()), t);
                rowAt += t.rows();
            }
            return p;
        }

        private void write(CUdeviceptr dst, WeightTensor t) {
            long bytes = 2L * t.rows() * t.cols();
            if (t.type() == type.stored) {
                ByteBuffer data = t.data();
                if (!data.isDirect()) {
                    ByteBuffer copy = ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
                    copy.put(data.duplicate().position(0).limit(Math.toIntExact(bytes)));
                    data = copy.flip();
                }
                JCudaDriver.cuMemcpyHtoD(dst, Pointer.to(data), bytes);
                return;
            }
            // Dequantize on the host a slab of rows at a time; the GPU rounds them to the compute type.
            int cols = t.cols();
            int slab = Math.max(1, STAGING_FLOATS / cols);
            if (staging == null) {
                staging = new CUdeviceptr();
                JCudaDriver.cuMemAlloc(staging, 4L * Math.max(STAGING_FLOATS, cols));
                rowsBuffer = new float[Math.max(STAGING_FLOATS, cols)];
            }
            for (int r0 = 0; r0 < t.rows(); r0 += slab) {
                int n = Math.min(slab, t.rows() - r0);
                for (int r = 0; r < n; r++) Dequantize.row(t, r0 + r, rowsBuffer, r * cols);
                long count = (long) n * cols;
                JCudaDriver.cuMemcpyHtoD(staging, Pointer.to(rowsBuffer), 4 * count);
                kernels.launch("f32_to_" + type.suffix, stream, (int) Math.min(4096, (count + 255) / 256), 1, 256, 0,
                        staging, dst.withByteOffset(2L * r0 * cols), count);
                JCudaDriver.cuStreamSynchronize(stream); // the staging buffer is refilled next
            }
        }

        @Override
        public void close() {
            if (staging != null) JCudaDriver.cuMemFree(staging);
        }
    }
}
