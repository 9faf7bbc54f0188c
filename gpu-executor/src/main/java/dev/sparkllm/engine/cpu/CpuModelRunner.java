package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.backend.ForwardTimes;
import dev.sparkllm.engine.backend.ModelRunner;
import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.model.ArchSwitches;
import dev.sparkllm.engine.model.LayerWeights;
import dev.sparkllm.engine.model.ModelConfig;
import dev.sparkllm.engine.model.ModelWeights;
import dev.sparkllm.engine.tensor.WeightTensor;

/**
 * The Llama-family forward pass on the CPU, over a batch of tokens from many sequences at once.
 * Every weight matrix is applied to the whole batch in one {@link MatMul} call, so each quantized
 * block is read once per step however many tokens the step carries; attention
 * ({@link PagedAttention}) reads each token's keys through its block table in the shared pool,
 * once per group for a prefix several tokens share. The family's departures from Llama (Qwen3's
 * q/k norms, Gemma's scaled embedding, sandwich norms, GeGLU, sliding layers and soft caps) are
 * switches read from {@link ArchSwitches}, in this same pass.
 */
public final class CpuModelRunner implements ModelRunner {
    private static final int[] THREE_ZEROS = {0, 0, 0};
    private static final int[] TWO_ZEROS = {0, 0};
    private final ModelConfig config;
    private final ModelWeights weights;
    private final ArchSwitches switches;
    /** Per layer, since Gemma 3's sliding layers rotate with their own base. */
    private final Rope[] ropes;
    private final int maxContext;
    private final PagedAttention attention;
    private StepScratch scratch = new StepScratch(0, null);
    private CpuKvStorage kv;
    // Forward time by part since takeForwardTimes (the engine thread only).
    private long productNanos, attentionNanos, forwardNanos;

    public CpuModelRunner(ModelConfig config, ModelWeights weights, int maxContext) {
        this.config = config;
        this.weights = weights;
        this.switches = config.switches();
        this.ropes = new Rope[config.layers()];
        for (int l = 0; l < ropes.length; l++) ropes[l] = new Rope(config, l);
        this.maxContext = Math.min(maxContext, config.contextLength());
        this.attention = new PagedAttention(config);
    }

    @Override public int vocabSize() { return config.vocabSize(); }
    @Override public int contextLength() { return maxContext; }

    @Override
    public void allocateKv(int blocks, int blockSize) {
        if (kv != null) throw new IllegalStateException("the KV pool is already allocated");
        kv = new CpuKvStorage(config.layers(), config.kvHeads(), config.headDim(), blocks, blockSize);
    }

    @Override
    public long kvBytesPerBlock(int blockSize) {
        return CpuKvStorage.bytesPerBlock(config.layers(), config.kvDim(), blockSize);
    }

    @Override
    public long takeSharedQueryChunks() {
        return attention.takeSharedQueryChunks();
    }

    @Override
    public void forward(StepBatch batch, float[] logits) {
        int n = batch.size();
        if (n == 0) return;
        StepScratch s = scratch.capacity() >= n ? scratch : (scratch = new StepScratch(n, config));
        int dim = config.dim();
        if (kv == null) throw new IllegalStateException("allocateKv must be called before forward");
        long begin = System.nanoTime();
        for (int t = 0; t < n; t++) {
            Dequantize.row(weights.tokenEmbedding(), batch.token(t), s.x, t * dim);
        }
        if (switches.embeddingScale() != 1f) VectorOps.scale(s.x, 0, n * dim, switches.embeddingScale());
        for (int l = 0; l < config.layers(); l++) {
            attentionBlock(l, weights.layers()[l], batch, s);
            feedForwardBlock(weights.layers()[l], n, s);
        }
        outputLogits(batch, s, logits);
        forwardNanos += System.nanoTime() - begin;
    }

    @Override
    public ForwardTimes takeForwardTimes() {
        ForwardTimes t = new ForwardTimes(productNanos, attentionNanos, forwardNanos - productNanos - attentionNanos);
        productNanos = attentionNanos = forwardNanos = 0;
        return t;
    }

    /** Runs one part of the forward pass and returns its wall time in nanoseconds. */
    private long timed(Runnable part) {
        long begin = System.nanoTime();
        part.run();
        return System.nanoTime() - begin;
    }

    private void attentionBlock(int layer, LayerWeights w, StepBatch batch, StepScratch s) {
        int n = batch.size();
        int dim = config.dim();
        int qDim = config.qDim();
        int kvDim = config.kvDim();
        for (int t = 0; t < n; t++) {
            VectorOps.rmsnorm(s.xb, t * dim, s.x, t * dim, w.attnNorm(), dim, config.rmsEps());
        }
        // q, k and v multiply the same input: one shared call quantizes it once.
        productNanos += timed(() -> MatMul.matmulShared(new WeightTensor[] {w.wq(), w.wk(), w.wv()}, s.xb, 0,
                new float[][] {s.q, s.k, s.v}, THREE_ZEROS, n));
        Rope rope = ropes[layer];
        for (int t = 0; t < n; t++) {
            if (w.bq() != null) VectorOps.addInPlace(s.q, t * qDim, w.bq(), 0, qDim);
            if (w.bk() != null) VectorOps.addInPlace(s.k, t * kvDim, w.bk(), 0, kvDim);
            if (w.bv() != null) VectorOps.addInPlace(s.v, t * kvDim, w.bv(), 0, kvDim);
            if (w.qNorm() != null) headNorms(s.q, t * qDim, config.heads(), w.qNorm());
            if (w.kNorm() != null) headNorms(s.k, t * kvDim, config.kvHeads(), w.kNorm());
            rope.apply(s.q, t * qDim, config.heads(), batch.position(t));
            rope.apply(s.k, t * kvDim, config.kvHeads(), batch.position(t));
            kv.store(layer, batch.table(t).slot(batch.position(t)), s.k, t * kvDim, s.v, t * kvDim);
        }
        attentionNanos += timed(() -> attention.compute(layer, batch, kv, s.q, s.att));
        productNanos += timed(() -> MatMul.matmul(w.wo(), s.att, 0, s.xb, 0, n));
        if (w.postAttnNorm() != null) outputNorms(s.xb, n, w.postAttnNorm());
        VectorOps.addInPlace(s.x, 0, s.xb, 0, n * dim);
    }

    /** RMSNorm of each head on its own, in place (Qwen3's and Gemma 3's q/k norms). */
    private void headNorms(float[] v, int offset, int heads, float[] weight) {
        int headDim = config.headDim();
        for (int h = 0; h < heads; h++) {
            int off = offset + h * headDim;
            VectorOps.rmsnorm(v, off, v, off, weight, headDim, config.rmsEps());
        }
    }

    /** RMSNorm in place of each token's sublayer output before the residual addition (sandwich norms). */
    private void outputNorms(float[] out, int n, float[] weight) {
        int dim = config.dim();
        for (int t = 0; t < n; t++) VectorOps.rmsnorm(out, t * dim, out, t * dim, weight, dim, config.rmsEps());
    }

    private void feedForwardBlock(LayerWeights w, int n, StepScratch s) {
        int dim = config.dim();
        int ffn = config.ffnDim();
        for (int t = 0; t < n; t++) {
            VectorOps.rmsnorm(s.xb, t * dim, s.x, t * dim, w.ffnNorm(), dim, config.rmsEps());
        }
        productNanos += timed(() -> MatMul.matmulShared(new WeightTensor[] {w.wGate(), w.wUp()}, s.xb, 0,
                new float[][] {s.gate, s.up}, TWO_ZEROS, n));
        if (switches.activation() == ArchSwitches.Activation.GELU_TANH) {
            VectorOps.geluTanhMultiply(s.gate, s.up, n * ffn);
        } else {
            VectorOps.siluMultiply(s.gate, s.up, n * ffn);
        }
        productNanos += timed(() -> MatMul.matmul(w.wDown(), s.gate, 0, s.xb, 0, n));
        if (w.postFfnNorm() != null) outputNorms(s.xb, n, w.postFfnNorm());
        VectorOps.addInPlace(s.x, 0, s.xb, 0, n * dim);
    }

    /** Final norm and the vocabulary projection, only for the tokens whose logits are wanted. */
    private void outputLogits(StepBatch batch, StepScratch s, float[] logits) {
        int dim = config.dim();
        int wanted = 0;
        for (int t = 0; t < batch.size(); t++) {
            if (!batch.wantsLogits(t)) continue;
            VectorOps.rmsnorm(s.xb, wanted * dim, s.x, t * dim, weights.outputNorm(), dim, config.rmsEps());
            wanted++;
        }
        int rows = wanted;
        if (rows > 0) productNanos += timed(() -> MatMul.matmul(weights.output(), s.xb, 0, logits, 0, rows));
        if (switches.finalSoftcap() > 0) VectorOps.softcap(logits, 0, rows * config.vocabSize(), switches.finalSoftcap());
    }

    /** Activation buffers for a step of up to {@code capacity} tokens, reused across steps. */
    private static final class StepScratch {
        final float[] x, xb, q, k, v, att, gate, up;
        private final int capacity;

        StepScratch(int capacity, ModelConfig c) {
            this.capacity = capacity;
            if (c == null) {
                x = xb = q = k = v = att = gate = up = new float[0];
                return;
            }
            int n = Math.max(capacity, 1);
            x = new float[n * c.dim()];
            xb = new float[n * Math.max(c.dim(), c.qDim())];
            q = new float[n * c.qDim()];
            k = new float[n * c.kvDim()];
            v = new float[n * c.kvDim()];
            att = new float[n * c.qDim()];
            gate = new float[n * c.ffnDim()];
            up = new float[n * c.ffnDim()];
        }

        int capacity() { return capacity; }
    }
}
