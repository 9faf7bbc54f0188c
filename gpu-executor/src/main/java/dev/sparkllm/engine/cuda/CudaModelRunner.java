package dev.sparkllm.engine.cuda;

import dev.sparkllm.engine.backend.ModelRunner;
import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.model.ArchSwitches;
import dev.sparkllm.engine.model.LayerWeights;
import dev.sparkllm.engine.model.ModelConfig;
import dev.sparkllm.engine.model.ModelWeights;
import dev.sparkllm.engine.model.RopeStyle;
import dev.sparkllm.engine.sampling.SamplingParams;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.function.Consumer;

/**
 * The Llama-family forward pass on one GPU through the JCuda driver API, for the same scheduler
 * and KV block pool as the CPU backend. Per step the host sends the token ids, positions, KV slots
 * and the attention plan ({@link AttentionPlan}) in one copy from pinned memory; the kernels
 * ({@code kernels.cu}) run on one stream; only the chosen token ids come back
 * ({@link #forwardAndSample}), or the logits for callers that want them ({@link #forward}).
 * The family switches ({@link ArchSwitches}) are arguments of the same kernels or kernels of
 * their own in the same sequence: no second forward per family.
 *
 * <p>All device memory comes from one arena sized by {@link GpuMemoryBudget}: weights first, then
 * the activation workspace for the largest step, then the KV pool from what is left.
 */
public final class CudaModelRunner implements ModelRunner {
    private final ModelConfig config;
    private final int maxContext;
    private final int maxTokens;
    private final int maxLogitRows;
    private final long maxRecords;
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final CudaKernels kernels;
    private final DeviceArena arena;
    private final DeviceWeights weights;
    private final String t; // kernel name suffix of the compute type
    private final String attnKernel;
    private final int attnSharedBytes;
    private final AttentionPlan plan;
    private final GemmShapes gemmShapes;
    private final String deviceName;
    // Workspace, sized for maxTokens tokens and maxLogitRows logits rows.
    private final CUdeviceptr x, xb, qkv, q, att, gateUp, act, logits, sampled, params, partO, partML, invFreq, meta, slots;
    /** RoPE frequencies of sliding layers with their own base (Gemma 3), else the same as invFreq. */
    private final CUdeviceptr invFreqLocal;
    /** A sublayer's output before its norm and residual addition (sandwich norms), else null. */
    private final CUdeviceptr sublayerOut;
    /** Split-K partial products, and where accumulating products are timed while their tile is tuned. */
    private final CUdeviceptr splitPartials, tuneScratch;
    private final long metaInts;
    // Pinned host staging for the per-step copies.
    private final Pointer metaHost = new Pointer(), slotsHost = new Pointer(), paramsHost = new Pointer();
    private final IntBuffer metaView;
    private final LongBuffer slotsView;
    private final FloatBuffer paramsView;
    private CUdeviceptr kCache, vCache;
    private long layerKvElements;
    private int blockSize;
    private Consumer<StepStats> stepListener;
    private boolean closed;

    private CudaModelRunner(ModelConfig config, ModelWeights hostWeights, ComputeType randomType, long randomSeed,
                            CudaSettings settings, int maxTokens, int maxSequences, int maxContext) {
        CudaAvailability availability = CudaAvailability.probe(settings.ordinal());
        if (!availability.available()) throw new CudaUnavailableException(availability.reason());
        String unsupported = unsupported(config);
        if (unsupported == null && hostWeights != null) unsupported = unsupported(hostWeights);
        if (unsupported != null) throw new CudaUnavailableException(unsupported);
        this.config = config;
        this.deviceName = availability.device();
        this.maxContext = Math.min(maxContext, config.contextLength());
        this.maxTokens = Math.max(1, maxTokens);
        this.maxLogitRows = Math.max(1, Math.min(maxSequences, this.maxTokens));
        this.maxRecords = AttentionPlan.maxRecords(this.maxTokens, this.maxContext);
        CUdevice device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, settings.ordinal());
        JCudaDriver.cuCtxCreate(context, 0, device);
        JCudaDriver.cuStreamCreate(stream, 0);
        int[] major = new int[1], minor = new int[1];
        JCudaDriver.cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        JCudaDriver.cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        this.kernels = new CudaKernels(major[0], minor[0]);
        long[] free = new long[1], total = new long[1];
        JCudaDriver.cuMemGetInfo(free, total);
        GpuMemoryBudget budget = GpuMemoryBudget.of(free[0], total[0], settings.memoryFraction(), settings.rapidsFraction());
        this.arena = new DeviceArena(budget.bytes());
        this.weights = hostWeights != null
                ? DeviceWeights.upload(config, hostWeights, arena, kernels, stream)
                : DeviceWeights.random(config, randomType, randomSeed, arena, kernels, stream);
        this.t = weights.type.suffix;
        int[] sms = new int[1];
        JCudaDriver.cuDeviceGetAttribute(sms, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device);
        this.gemmShapes = new GemmShapes(kernels, stream, sms[0], device);
        // attn_mma (registers, cp.async pipeline) unless -Dsparkllm.cuda.attention=wmma picks the first version.
        boolean mma = !"wmma".equals(System.getProperty("sparkllm.cuda.attention"));
        this.plan = new AttentionPlan(config.heads(), config.kvHeads(), mma);
        this.attnKernel = (mma ? "attn_mma_d" : "attn_partial_d") + config.headDim();
        this.attnSharedBytes = attentionSharedBytes(config.headDim())[mma ? 1 : 0];
        kernels.allowSharedMemory(attnKernel, attnSharedBytes);

        int n = this.maxTokens, rows = maxLogitRows;
        int dim = config.dim(), qDim = config.qDim(), kvDim = config.kvDim(), ffn = config.ffnDim();
        x = arena.take(4L * n * dim, "residual stream");
        xb = arena.take(2L * n * Math.max(dim, qDim), "normed activations");
        qkv = arena.take(4L * n * (qDim + 2L * kvDim), "q/k/v");
        q = arena.take(2L * n * qDim, "rotated queries");
        att = arena.take(2L * n * qDim, "attention output");
        gateUp = arena.take(8L * n * ffn, "gate/up");
        act = arena.take(2L * n * ffn, "SwiGLU output");
        logits = arena.take(4L * rows * config.vocabSize(), "logits");
        sampled = arena.take(4L * rows, "sampled tokens");
        params = arena.take(4L * 5 * rows, "sampling parameters");
        partO = arena.take(4L * maxRecords * config.heads() * config.headDim(), "attention partial outputs");
        partML = arena.take(8L * maxRecords * config.heads(), "attention partial maxima and sums");
        // The largest split-K partials of the step's five products (q/k/v, output, gate/up, down, logits).
        long partialFloats = java.util.stream.LongStream.of(1,
                gemmShapes.partialFloats(n, qDim + 2 * kvDim, dim), gemmShapes.partialFloats(n, dim, qDim),
                gemmShapes.partialFloats(n, 2 * ffn, dim), gemmShapes.partialFloats(n, dim, ffn),
                gemmShapes.partialFloats(rows, config.vocabSize(), dim)).max().getAsLong();
        splitPartials = arena.take(4L * partialFloats, "split-K partial products");
        tuneScratch = arena.take(4L * n * dim, "matrix-product tuning scratch");
        long tableInts = (long) n * ((this.maxContext + 15) / 16 + 1);
        metaInts = 3L * n + 1 + AttentionPlan.ITEM_INTS * maxRecords + 2 * maxRecords + tableInts + rows;
        meta = arena.take(4L * metaInts, "step metadata");
        slots = arena.take(8L * n, "KV slots");
        invFreq = arena.take(8L * config.headDim() / 2, "RoPE frequencies");
        JCudaDriver.cuMemcpyHtoD(invFreq, Pointer.to(config.ropeInverseFrequencies()), 8L * config.headDim() / 2);
        int localLayer = firstLocalRopeLayer(config);
        if (localLayer >= 0) {
            invFreqLocal = arena.take(8L * config.headDim() / 2, "local RoPE frequencies");
            JCudaDriver.cuMemcpyHtoD(invFreqLocal, Pointer.to(config.ropeInverseFrequencies(localLayer)), 8L * config.headDim() / 2);
        } else {
            invFreqLocal = invFreq;
        }
        sublayerOut = config.switches().sandwichNorms() ? arena.take(4L * n * dim, "sublayer output") : null;
        JCudaDriver.cuMemAllocHost(metaHost, 4L * metaInts);
        JCudaDriver.cuMemAllocHost(slotsHost, 8L * n);
        JCudaDriver.cuMemAllocHost(paramsHost, 4L * 5 * rows);
        metaView = metaHost.getByteBuffer(0, 4L * metaInts).order(ByteOrder.nativeOrder()).asIntBuffer();
        slotsView = slotsHost.getByteBuffer(0, 8L * n).order(ByteOrder.nativeOrder()).asLongBuffer();
        paramsView = paramsHost.getByteBuffer(0, 4L * 5 * rows).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * A runner for a loaded model on GPU {@code settings.ordinal()}; steps of up to {@code maxTokens}
     * tokens of at most {@code maxSequences} sequences.
     *
     * @throws CudaUnavailableException when there is no usable GPU, or the model has a shape the kernels do not cover
     */
    public static CudaModelRunner load(ModelConfig config, ModelWeights weights, CudaSettings settings,
                                       int maxTokens, int maxSequences, int maxContext) {
        return new CudaModelRunner(config, weights, null, 0, settings, maxTokens, maxSequences, maxContext);
    }

    /** A runner for a model of shape {@code config} with pseudo-random weights made on the device (benchmarks, tests). */
    public static CudaModelRunner random(ModelConfig config, ComputeType type, long seed, CudaSettings settings,
                                         int maxTokens, int maxSequences, int maxContext) {
        return new CudaModelRunner(config, null, type, seed, settings, maxTokens, maxSequences, maxContext);
    }

    private static int firstLocalRopeLayer(ModelConfig c) {
        for (int l = 0; l < c.layers(); l++) if (c.switches().localRope(l)) return l;
        return -1;
    }

    /** Why the kernels cannot run these weights, or null: head_rmsnorm runs before rope_store adds the biases. */
    static String unsupported(ModelWeights w) {
        for (LayerWeights l : w.layers()) {
            boolean bias = l.bq() != null || l.bk() != null || l.bv() != null;
            if (bias && l.qNorm() != null) return "q/k/v biases together with q/k norms";
        }
        return null;
    }

    /** Why the kernels cannot run a model of this shape, or null. */
    static String unsupported(ModelConfig c) {
        if (c.headDim() != 64 && c.headDim() != 128 && c.headDim() != 256) {
            return "head dim " + c.headDim() + " (the CUDA attention kernel covers 64, 128 and 256)";
        }
        if (c.dim() % 8 != 0 || c.qDim() % 8 != 0 || c.ffnDim() % 8 != 0) return "hidden, attention and feed-forward sizes must be multiples of 8";
        if (c.heads() / c.kvHeads() > AttentionPlan.ROWS) return "more than " + AttentionPlan.ROWS + " query heads per KV head";
        return null;
    }

    /** Dynamic shared memory of attn_partial and attn_mma for this head dim, from the kernels themselves. */
    private int[] attentionSharedBytes(int headDim) {
        CUdeviceptr out = arena.take(8, "probe");
        kernels.launch("attn_smem_bytes_d" + headDim, stream, 1, 1, 1, 0, out);
        int[] bytes = new int[2];
        JCudaDriver.cuStreamSynchronize(stream);
        JCudaDriver.cuMemcpyDtoH(Pointer.to(bytes), out, 8);
        return bytes;
    }

    public String deviceName() { return deviceName; }

    /**
     * Device memory bandwidth in bytes/s (read plus written), from timed device-to-device copies of
     * {@code bytes} outside the arena: the memory term of a roofline.
     */
    public double measureCopyBandwidth(long bytes) {
        JCudaDriver.cuCtxSetCurrent(context);
        CUdeviceptr src = new CUdeviceptr(), dst = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(src, bytes);
        JCudaDriver.cuMemAlloc(dst, bytes);
        try {
            JCudaDriver.cuMemsetD8(src, (byte) 0x5a, bytes);
            for (int i = 0; i < 2; i++) JCudaDriver.cuMemcpyDtoDAsync(dst, src, bytes, stream);
            JCudaDriver.cuStreamSynchronize(stream);
            int reps = 10;
            long start = System.nanoTime();
            for (int i = 0; i < reps; i++) JCudaDriver.cuMemcpyDtoDAsync(dst, src, bytes, stream);
            JCudaDriver.cuStreamSynchronize(stream);
            return 2.0 * bytes * reps / ((System.nanoTime() - start) / 1e9);
        } finally {
            JCudaDriver.cuMemFree(src);
            JCudaDriver.cuMemFree(dst);
        }
    }

    /** The kernel image the driver loaded (a cubin for this GPU, or the PTX). */
    public String kernelImage() { return kernels.loaded(); }

    public ModelConfig config() { return config; }

    /** Device memory left for the KV pool once weights and workspace are placed. */
    public long kvCapacityBytes() { return arena.free() - (1L << 20); }

    /** Receives each step's {@link StepStats} (benchmarks); null stops. */
    public void onStep(Consumer<StepStats> listener) { this.stepListener = listener; }

    @Override public int vocabSize() { return config.vocabSize(); }
    @Override public int contextLength() { return maxContext; }
    @Override public boolean samplesOnDevice() { return true; }

    @Override
    public long kvBytesPerBlock(int blockSize) {
        return (long) config.layers() * 2 * blockSize * config.kvDim() * 2;
    }

    @Override
    public void allocateKv(int blocks, int blockSize) {
        if (kCache != null) throw new IllegalStateException("the KV pool is already allocated");
        JCudaDriver.cuCtxSetCurrent(context);
        this.blockSize = blockSize;
        layerKvElements = (long) blocks * blockSize * config.kvDim();
        kCache = arena.take(2L * layerKvElements * config.layers(), "KV pool keys (" + blocks + " blocks)");
        vCache = arena.take(2L * layerKvElements * config.layers(), "KV pool values (" + blocks + " blocks)");
    }

    @Override
    public void forward(StepBatch batch, float[] hostLogits) {
        int rows = run(batch);
        JCudaDriver.cuStreamSynchronize(stream);
        if (rows > 0) JCudaDriver.cuMemcpyDtoH(Pointer.to(hostLogits), logits, 4L * rows * config.vocabSize());
    }

    @Override
    public void forwardAndSample(StepBatch batch, SamplingParams[] rowParams, float[] draws, int[] tokens) {
        forwardAndSample(batch, rowParams, draws, tokens, null);
    }

    @Override
    public void forwardAndSample(StepBatch batch, SamplingParams[] rowParams, float[] draws, int[] tokens, float[] hostLogits) {
        long start = System.nanoTime();
        int rows = run(batch);
        if (rows != rowParams.length) throw new IllegalArgumentException(rows + " logits rows but " + rowParams.length + " sampling parameters");
        if (rows > 0 && hostLogits != null) {
            // Copied before the sampling kernel runs, so the host sees the raw logits whatever that kernel does in place.
            JCudaDriver.cuStreamSynchronize(stream);
            JCudaDriver.cuMemcpyDtoH(Pointer.to(hostLogits), logits, 4L * rows * config.vocabSize());
        }
        if (rows > 0) {
            paramsView.clear();
            for (int r = 0; r < rows; r++) {
                SamplingParams p = rowParams[r];
                paramsView.put(p.temperature()).put(p.topK()).put(p.topP()).put(p.minP()).put(draws[r]);
            }
            JCudaDriver.cuMemcpyHtoDAsync(params, paramsHost, 4L * 5 * rows, stream);
            kernels.launch("sample_rows", stream, rows, 1, 1024, 0, logits, config.vocabSize(), params, sampled);
        }
        JCudaDriver.cuStreamSynchronize(stream); // also: the pinned staging may be refilled next step
        if (rows > 0) JCudaDriver.cuMemcpyDtoH(Pointer.to(tokens), sampled, 4L * rows);
        if (stepListener != null) {
            long kvBytes = plan.kvPositionsLoaded() * config.kvHeads() * config.headDim() * 2L * 2 * config.layers();
            long context = 0;
            for (int i = 0; i < batch.size(); i++) context += batch.position(i) + 1;
            stepListener.accept(new StepStats(batch.size(), rows, rows == batch.size() && decodeOnly(batch), kvBytes, context, System.nanoTime() - start));
        }
    }

    private static boolean decodeOnly(StepBatch batch) {
        for (int i = 0; i < batch.size(); i++) if (!batch.wantsLogits(i)) return false;
        return true;
    }

    /** Runs the layers for the batch; leaves the wanted rows' logits on the device; returns their count. */
    private int run(StepBatch batch) {
        if (closed) throw new IllegalStateException("the CUDA runner is closed");
        if (kCache == null) throw new IllegalStateException("allocateKv must be called before forward");
        int n = batch.size();
        if (n > maxTokens) throw new IllegalArgumentException("step of " + n + " tokens; this runner was sized for " + maxTokens);
        JCudaDriver.cuCtxSetCurrent(context);
        if (n == 0) return 0;
        plan.build(batch);
        if (plan.recordCount > maxRecords) throw new IllegalStateException("attention plan needs " + plan.recordCount + " partial records, sized for " + maxRecords);

        // Pack the step's metadata: tokens, positions, items, item tokens, block ids, merge offsets, merge records, wanted rows.
        metaView.clear();
        int tokensAt = 0, positionsAt = n, itemsAt = 2 * n;
        for (int i = 0; i < n; i++) metaView.put(batch.token(i));
        for (int i = 0; i < n; i++) metaView.put(batch.position(i));
        metaView.put(plan.items, 0, plan.itemCount * AttentionPlan.ITEM_INTS);
        int itemTokensAt = metaView.position();
        metaView.put(plan.itemTokens, 0, plan.itemTokenCount);
        int blockIdsAt = metaView.position();
        metaView.put(plan.blockIds, 0, plan.blockIdCount);
        int mergeOffsetsAt = metaView.position();
        metaView.put(plan.mergeOffsets, 0, n + 1);
        int mergeRecsAt = metaView.position();
        metaView.put(plan.mergeRecs, 0, plan.mergeOffsets[n]);
        int wantedAt = metaView.position();
        int rows = 0;
        for (int i = 0; i < n; i++) {
            if (batch.wantsLogits(i)) {
                metaView.put(i);
                rows++;
            }
        }
        if (rows > maxLogitRows) throw new IllegalArgumentException(rows + " logits rows; this runner was sized for " + maxLogitRows);
        int used = metaView.position();
        if (used > metaInts) throw new IllegalStateException("step metadata of " + used + " ints exceeds " + metaInts);
        slotsView.clear();
        for (int i = 0; i < n; i++) slotsView.put(batch.table(i).slot(batch.position(i)));
        JCudaDriver.cuMemcpyHtoDAsync(meta, metaHost, 4L * used, stream);
        JCudaDriver.cuMemcpyHtoDAsync(slots, slotsHost, 8L * n, stream);
        CUdeviceptr tokens = at(meta, tokensAt), positions = at(meta, positionsAt), items = at(meta, itemsAt);
        CUdeviceptr itemTokens = at(meta, itemTokensAt), blockIds = at(meta, blockIdsAt);
        CUdeviceptr mergeOffsets = at(meta, mergeOffsetsAt), mergeRecs = at(meta, mergeRecsAt), wanted = at(meta, wantedAt);

        ModelConfig c = config;
        int dim = c.dim(), qDim = c.qDim(), kvDim = c.kvDim(), ffn = c.ffnDim();
        float eps = c.rmsEps();
        ArchSwitches sw = c.switches();
        kernels.launch("embed_" + t, stream, n, 1, 256, 0, weights.embedding, tokens, x, dim, sw.embeddingScale());
        int interleaved = c.ropeStyle() == RopeStyle.INTERLEAVED ? 1 : 0;
        float scale = c.attentionScale();
        String activation = sw.activation() == ArchSwitches.Activation.GELU_TANH ? "geglu_" : "swiglu_";
        for (int l = 0; l < c.layers(); l++) {
            DeviceWeights.Layer w = weights.layers[l];
            CUdeviceptr k = kCache.withByteOffset(2L * l * layerKvElements);
            CUdeviceptr v = vCache.withByteOffset(2L * l * layerKvElements);
            double positionScale = 1f / c.ropeLinearScale(l);
            kernels.launch("rmsnorm_" + t, stream, n, 1, 256, 0, x, w.attnNorm(), xb, new CUdeviceptr(), dim, eps);
            gemm(xb, w.qkv(), qkv, n, qDim + 2 * kvDim, dim, false);
            if (w.qNorm() != null) {
                kernels.launch("head_rmsnorm", stream, n, c.heads() + c.kvHeads(), 32, 0, qkv, w.qNorm(), w.kNorm(),
                        c.heads(), c.kvHeads(), c.headDim(), eps);
            }
            kernels.launch("rope_store", stream, n, 1, 128, 0, qkv, w.qkvBias() == null ? new CUdeviceptr() : w.qkvBias(),
                    q, k, v, positions, slots, sw.localRope(l) ? invFreqLocal : invFreq, c.heads(), c.kvHeads(), c.headDim(),
                    interleaved, positionScale);
            kernels.launch(attnKernel, stream, plan.itemCount, c.kvHeads(), 128, attnSharedBytes,
                    q, k, v, items, itemTokens, positions, blockIds, partO, partML, c.heads(), c.kvHeads(), blockSize, scale,
                    sw.window(l), sw.attentionSoftcap());
            kernels.launch("attn_merge_" + t, stream, n, 1, 256, 0, partO, partML, mergeOffsets, mergeRecs, att, c.heads(), c.headDim());
            residual(att, w.wo(), w.postAttnNorm(), n, qDim, eps);
            kernels.launch("rmsnorm_" + t, stream, n, 1, 256, 0, x, w.ffnNorm(), xb, new CUdeviceptr(), dim, eps);
            gemm(xb, w.gateUp(), gateUp, n, 2 * ffn, dim, false);
            long total = (long) n * ffn;
            kernels.launch(activation + t, stream, (int) Math.min(65535, (total + 255) / 256), 1, 256, 0, gateUp, act, ffn, total);
            residual(act, w.down(), w.postFfnNorm(), n, ffn, eps);
        }
        if (rows > 0) {
            kernels.launch("rmsnorm_" + t, stream, rows, 1, 256, 0, x, weights.outputNorm, xb, wanted, dim, eps);
            gemm(xb, weights.output, logits, rows, c.vocabSize(), dim, false);
            if (sw.finalSoftcap() > 0) {
                long count = (long) rows * c.vocabSize();
                kernels.launch("softcap", stream, (int) Math.min(4096, (count + 255) / 256), 1, 256, 0, logits, count, sw.finalSoftcap());
            }
        }
        return rows;
    }

    /**
     * x += in * weight^T: accumulated straight into the residual stream, or, with an output norm
     * (sandwich norms), into the sublayer buffer, normed, then added.
     */
    private void residual(CUdeviceptr in, CUdeviceptr weight, CUdeviceptr outputNorm, int n, int k, float eps) {
        int dim = config.dim();
        if (outputNorm == null) {
            gemm(in, weight, x, n, dim, k, true);
            return;
        }
        gemm(in, weight, sublayerOut, n, dim, k, false);
        kernels.launch("rmsnorm_add", stream, n, 1, 256, 0, x, sublayerOut, outputNorm, dim, eps);
    }

    private void gemm(CUdeviceptr in, CUdeviceptr weight, CUdeviceptr out, int m, int n, int k, boolean accumulate) {
        gemmShapes.run(kernels, t, stream, in, weight, out, splitPartials, accumulate ? tuneScratch : out, m, n, k, accumulate);
    }

    GemmShapes gemmShapes() { return gemmShapes; }

    /** Times every kernel launch (a synchronize after each) until turned off; {@link #takeProfile} reads it. */
    public void profile(boolean on) { kernels.profile(on); }

    /** Milliseconds per kernel family since the last call, e.g. {gemm=12.3, attn_partial=4.5}. */
    public java.util.Map<String, Double> takeProfile() { return kernels.takeProfile(); }

    private static CUdeviceptr at(CUdeviceptr base, int intOffset) {
        return base.withByteOffset(4L * intOffset);
    }

    /** Test access: the kernels and the stream of this runner's context. */
    CudaKernels kernels() { return kernels; }

    CUstream stream() { return stream; }

    DeviceWeights weights() { return weights; }

    void makeCurrent() { JCudaDriver.cuCtxSetCurrent(context); }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        JCudaDriver.cuCtxSetCurrent(context);
        JCudaDriver.cuStreamSynchronize(stream);
        JCudaDriver.cuMemFreeHost(metaHost);
        JCudaDriver.cuMemFreeHost(slotsHost);
        JCudaDriver.cuMemFreeHost(paramsHost);
        arena.close();
        kernels.unload();
        JCudaDriver.cuStreamDestroy(stream);
        JCudaDriver.cuCtxDestroy(context);
    }
}
