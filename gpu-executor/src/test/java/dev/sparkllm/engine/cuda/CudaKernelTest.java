package dev.sparkllm.engine.cuda;

import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.cpu.Dequantize;
import dev.sparkllm.engine.cpu.Float16;
import dev.sparkllm.engine.cpu.TestQuantizer;
import dev.sparkllm.engine.kv.BlockTable;
import dev.sparkllm.engine.model.ModelConfig;
import dev.sparkllm.engine.model.RopeStyle;
import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static dev.sparkllm.engine.cuda.GpuTests.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each CUDA kernel against a plain Java reference in double precision, on fresh random inputs,
 * with outputs poisoned beforehand so an element nothing writes fails. Tolerances: matrix products
 * of 16-bit inputs with float accumulation 1e-5 (the inputs are the same rounded values on both
 * sides); kernels whose output is rounded to 16 bits, the 16-bit rounding (2^-8 relative for
 * bf16, 2^-11 for f16); attention, whose probabilities pass through f16, 5e-3.
 */
class CudaKernelTest {
    private static CudaModelRunner runner;
    private static CudaKernels k;
    private final Random rnd = new Random(System.nanoTime());

    @BeforeAll
    static void start() {
        if (!CudaAvailability.probe(0).available()) return; // each test then skips, or fails where a GPU is required
        ModelConfig tiny = new ModelConfig("llama", 256, 128, 256, 1, 4, 2, 64, 512, 1e-5f, 10000f, RopeStyle.INTERLEAVED, null, 1f);
        runner = CudaModelRunner.random(tiny, ComputeType.F16, 1, new CudaSettings(0, 0.05, 0), 64, 8, 512);
        k = runner.kernels();
    }

    /** Per test, so every test is reported skipped with the reason (or failed where a GPU is required). */
    @org.junit.jupiter.api.BeforeEach
    void gpu() {
        requireGpu();
    }

    @AfterAll
    static void stop() {
        if (runner != null) runner.close();
    }

    private void sync() {
        JCudaDriver.cuStreamSynchronize(runner.stream());
    }

    @ParameterizedTest
    @EnumSource(ComputeType.class)
    void matrixProductMatchesReference(ComputeType type) {
        runner.makeCurrent();
        for (int[] mnk : new int[][] {{200, 136, 520}, {1, 576, 64}, {300, 1000, 1536}, {17, 64, 8}}) {
            int m = mnk[0], n = mnk[1], kk = mnk[2];
            short[] xb = new short[m * kk], wb = new short[n * kk];
            float[] x = random(rnd, m * kk, 1f, type, xb), w = random(rnd, n * kk, 1f, type, wb);
            CUdeviceptr dx = upload16(xb), dw = upload16(wb), dy = alloc(4L * m * n);
            double[] product = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = 0; q < kk; q++) s += (double) x[i * kk + q] * w[j * kk + q];
                    product[i * n + j] = s;
                }
            }
            CUdeviceptr partials = alloc(4L * 3 * m * n);
            for (GemmShapes.Shape shape : runner.gemmShapes().shapes)
            for (int splits : new int[] {1, 3}) {
                if (splits > 1 && kk < 3 * 64) continue;
                for (int accumulate = 0; accumulate <= 1; accumulate++) {
                    float[] y0 = new float[m * n];
                    if (accumulate == 1) {
                        for (int i = 0; i < y0.length; i++) y0[i] = rnd.nextFloat() - 0.5f;
                        JCudaDriver.cuMemcpyHtoD(dy, jcuda.Pointer.to(y0), 4L * y0.length);
                    } else {
                        poison(dy, (long) m * n);
                    }
                    runner.gemmShapes().launch(k, type.suffix, shape, splits, runner.stream(), dx, dw, dy, partials, m, n, kk, accumulate == 1);
                    sync();
                    double[] ref = new double[m * n];
                    for (int i = 0; i < ref.length; i++) ref[i] = product[i] + y0[i];
                    double err = relativeError(floats(dy, m * n), ref);
                    assertTrue(err < 1e-5, type + " tile " + shape.name() + " split " + splits + " " + m + "x" + n + "x" + kk + " accumulate=" + accumulate + ": relative error " + err);
                }
            }
            free(partials);
            free(dx, dw, dy);
        }
    }

    /**
     * The CUDA backend has no kernels of its own for quantized types: DeviceWeights decodes them on
     * the host with Dequantize and the device rounds the floats to the compute type. This checks
     * that path end to end for every quantized type (a wrong block stride or row slab would show).
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, mode = EnumSource.Mode.EXCLUDE, names = {"F32", "F16", "BF16"})
    void quantizedWeightsUploadAsTheirHostDecodedValues(GgmlType type) {
        runner.makeCurrent();
        int rows = 37, cols = 512;
        WeightTensor w = TestQuantizer.randomBlocks(type, rows, cols, rnd);
        try (DeviceArena arena = new DeviceArena(2L * rows * cols + 4096);
             DeviceWeights.Uploader up = new DeviceWeights.Uploader(ComputeType.F16, arena, k, runner.stream())) {
            CUdeviceptr p = up.matrix("w", w);
            short[] got = shorts(p, rows * cols);
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                Dequantize.row(w, r, row, 0);
                for (int c = 0; c < cols; c++) {
                    assertEquals(Float16.fromFloat(row[c]), got[r * cols + c], type + " (" + r + ", " + c + ")");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ComputeType.class)
    void rmsnormWithRowGatherMatchesReference(ComputeType type) {
        runner.makeCurrent();
        int rows = 7, dim = 576;
        float[] x = new float[rows * dim], w = new float[dim];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian() * 3;
        for (int i = 0; i < dim; i++) w[i] = 0.5f + rnd.nextFloat();
        int[] pick = {6, 0, 3};
        CUdeviceptr dx = upload(x), dw = upload(w), dRows = upload(pick), out = alloc(2L * rows * dim);
        k.launch("rmsnorm_" + type.suffix, runner.stream(), pick.length, 1, 256, 0, dx, dw, out, dRows, dim, 1e-5f);
        sync();
        short[] got = shorts(out, pick.length * dim);
        for (int r = 0; r < pick.length; r++) {
            double ss = 0;
            for (int i = 0; i < dim; i++) ss += (double) x[pick[r] * dim + i] * x[pick[r] * dim + i];
            double inv = 1 / Math.sqrt(ss / dim + 1e-5);
            for (int i = 0; i < dim; i++) {
                double ref = x[pick[r] * dim + i] * inv * w[i];
                double tol = Math.abs(ref) * (type == ComputeType.BF16 ? 8e-3 : 1e-3) + 1e-6;
                assertEquals(ref, decode(type, got[r * dim + i]), tol, "row " + r + " element " + i);
            }
        }
        free(dx, dw, dRows, out);
    }

    @ParameterizedTest
    @EnumSource(ComputeType.class)
    void swigluMatchesReference(ComputeType type) {
        runner.makeCurrent();
        int n = 5, ffn = 1536;
        float[] gu = new float[n * 2 * ffn];
        for (int i = 0; i < gu.length; i++) gu[i] = (float) rnd.nextGaussian() * 4;
        CUdeviceptr dgu = upload(gu), out = alloc(2L * n * ffn);
        k.launch("swiglu_" + type.suffix, runner.stream(), 64, 1, 256, 0, dgu, out, ffn, (long) n * ffn);
        sync();
        short[] got = shorts(out, n * ffn);
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < ffn; j++) {
                double g = gu[t * 2 * ffn + j], u = gu[t * 2 * ffn + ffn + j];
                double ref = g / (1 + Math.exp(-g)) * u;
                double tol = Math.abs(ref) * (type == ComputeType.BF16 ? 8e-3 : 1e-3) + 1e-5;
                assertEquals(ref, decode(type, got[t * ffn + j]), tol);
            }
        }
        free(dgu, out);
    }

    @ParameterizedTest
    @EnumSource(ComputeType.class)
    void gegluMatchesReference(ComputeType type) {
        runner.makeCurrent();
        int n = 5, ffn = 1536;
        float[] gu = new float[n * 2 * ffn];
        for (int i = 0; i < gu.length; i++) gu[i] = (float) rnd.nextGaussian() * 4;
        CUdeviceptr dgu = upload(gu), out = alloc(2L * n * ffn);
        poison(out, (long) n * ffn / 2);
        k.launch("geglu_" + type.suffix, runner.stream(), 64, 1, 256, 0, dgu, out, ffn, (long) n * ffn);
        sync();
        short[] got = shorts(out, n * ffn);
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < ffn; j++) {
                double g = gu[t * 2 * ffn + j], u = gu[t * 2 * ffn + ffn + j];
                // transformers' gelu_pytorch_tanh, written out.
                double ref = 0.5 * g * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (g + 0.044715 * g * g * g))) * u;
                double tol = Math.abs(ref) * (type == ComputeType.BF16 ? 8e-3 : 1e-3) + 1e-5;
                assertEquals(ref, decode(type, got[t * ffn + j]), tol);
            }
        }
        free(dgu, out);
    }

    @Test
    void headNormsNormaliseEachQueryAndKeyHeadAndLeaveValuesAlone() {
        runner.makeCurrent();
        int heads = 4, kvHeads = 2, d = 128, n = 3, width = (heads + 2 * kvHeads) * d;
        float[] qkv = new float[n * width], qw = new float[d], kw = new float[d];
        for (int i = 0; i < qkv.length; i++) qkv[i] = (float) rnd.nextGaussian() * 3;
        for (int i = 0; i < d; i++) {
            qw[i] = 0.5f + rnd.nextFloat();
            kw[i] = 0.5f + rnd.nextFloat();
        }
        CUdeviceptr dqkv = upload(qkv), dq = upload(qw), dk = upload(kw);
        k.launch("head_rmsnorm", runner.stream(), n, heads + kvHeads, 32, 0, dqkv, dq, dk, heads, kvHeads, d, 1e-6f);
        sync();
        float[] got = floats(dqkv, qkv.length);
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < heads + 2 * kvHeads; h++) {
                int off = t * width + h * d;
                double ss = 0;
                for (int i = 0; i < d; i++) ss += (double) qkv[off + i] * qkv[off + i];
                double inv = 1 / Math.sqrt(ss / d + 1e-6);
                for (int i = 0; i < d; i++) {
                    double ref = h < heads ? qkv[off + i] * inv * qw[i] : h < heads + kvHeads ? qkv[off + i] * inv * kw[i] : qkv[off + i];
                    assertEquals(ref, got[off + i], Math.abs(ref) * 1e-5 + 1e-6, "token " + t + " head " + h + " element " + i);
                }
            }
        }
        free(dqkv, dq, dk);
    }

    @Test
    void sandwichNormAddsTheNormedSublayerOutputToTheResidual() {
        runner.makeCurrent();
        int n = 4, dim = 640;
        float[] x = new float[n * dim], y = new float[n * dim], w = new float[dim];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
            y[i] = (float) rnd.nextGaussian() * 5;
        }
        for (int i = 0; i < dim; i++) w[i] = 0.5f + rnd.nextFloat();
        CUdeviceptr dx = upload(x), dy = upload(y), dw = upload(w);
        k.launch("rmsnorm_add", runner.stream(), n, 1, 256, 0, dx, dy, dw, dim, 1e-6f);
        sync();
        float[] got = floats(dx, x.length);
        for (int t = 0; t < n; t++) {
            double ss = 0;
            for (int i = 0; i < dim; i++) ss += (double) y[t * dim + i] * y[t * dim + i];
            double inv = 1 / Math.sqrt(ss / dim + 1e-6);
            for (int i = 0; i < dim; i++) {
                double ref = x[t * dim + i] + y[t * dim + i] * inv * w[i];
                assertEquals(ref, got[t * dim + i], Math.abs(ref) * 1e-5 + 1e-5, "token " + t + " element " + i);
            }
        }
        free(dx, dy, dw);
    }

    @Test
    void softcapAndScaledEmbeddingMatchReference() {
        runner.makeCurrent();
        float[] v = new float[5000];
        for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian() * 40;
        CUdeviceptr dv = upload(v);
        k.launch("softcap", runner.stream(), 8, 1, 256, 0, dv, (long) v.length, 30f);
        sync();
        float[] got = floats(dv, v.length);
        for (int i = 0; i < v.length; i++) assertEquals(30 * Math.tanh(v[i] / 30.0), got[i], 1e-4, "element " + i);

        int vocab = 50, dim = 64;
        short[] bits = new short[vocab * dim];
        float[] table = random(rnd, bits.length, 1f, ComputeType.F16, bits);
        int[] tokens = {7, 0, 49};
        CUdeviceptr dt = upload16(bits), dtok = upload(tokens), out = alloc(4L * tokens.length * dim);
        float scale = (float) Math.sqrt(640);
        k.launch("embed_f16", runner.stream(), tokens.length, 1, 256, 0, dt, dtok, out, dim, scale);
        sync();
        float[] x = floats(out, tokens.length * dim);
        for (int t = 0; t < tokens.length; t++) {
            for (int i = 0; i < dim; i++) assertEquals(table[tokens[t] * dim + i] * scale, x[t * dim + i], 1e-5);
        }
        free(dv, dt, dtok, out);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void ropeRotatesQueriesAndStoresKeysAndValues(boolean interleaved) {
        runner.makeCurrent();
        int heads = 4, kvHeads = 2, d = 64, n = 3;
        int qDim = heads * d, kvDim = kvHeads * d, width = qDim + 2 * kvDim;
        float[] qkv = new float[n * width], bias = new float[width];
        for (int i = 0; i < qkv.length; i++) qkv[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < width; i++) bias[i] = (float) rnd.nextGaussian() * 0.1f;
        int[] positions = {0, 17, 3001};
        long[] slots = {5, 0, 9};
        ModelConfig c = new ModelConfig("llama", 10, 64, 64, 1, heads, kvHeads, d, 4096, 1e-5f, 500000f,
                interleaved ? RopeStyle.INTERLEAVED : RopeStyle.HALF_SPLIT, null, 1f);
        double[] inv = c.ropeInverseFrequencies();
        CUdeviceptr dqkv = upload(qkv), dbias = upload(bias), q = alloc(2L * n * qDim), kc = alloc(2L * 16 * kvDim), vc = alloc(2L * 16 * kvDim);
        CUdeviceptr dpos = upload(positions), dslots = upload(slots), dinv = upload(inv);
        k.launch("rope_store", runner.stream(), n, 1, 128, 0, dqkv, dbias, q, kc, vc, dpos, dslots, dinv, heads, kvHeads, d, interleaved ? 1 : 0, 1.0);
        sync();
        short[] gotQ = shorts(q, n * qDim), gotK = shorts(kc, 16 * kvDim), gotV = shorts(vc, 16 * kvDim);
        for (int t = 0; t < n; t++) {
            float[] row = new float[width];
            for (int i = 0; i < width; i++) row[i] = qkv[t * width + i] + bias[i];
            for (int h = 0; h < heads + kvHeads; h++) {
                for (int i = 0; i < d / 2; i++) {
                    int a = h * d + (interleaved ? 2 * i : i), b = interleaved ? a + 1 : h * d + i + d / 2;
                    double angle = positions[t] * inv[i];
                    double y0 = row[a] * (float) Math.cos(angle) - row[b] * (float) Math.sin(angle);
                    double y1 = row[a] * (float) Math.sin(angle) + row[b] * (float) Math.cos(angle);
                    float g0 = h < heads ? Float16.toFloat(gotQ[t * qDim + a]) : Float16.toFloat(gotK[(int) slots[t] * kvDim + a - qDim]);
                    float g1 = h < heads ? Float16.toFloat(gotQ[t * qDim + b]) : Float16.toFloat(gotK[(int) slots[t] * kvDim + b - qDim]);
                    assertEquals(y0, g0, Math.abs(y0) * 1e-3 + 1e-3, "token " + t + " head " + h + " pair " + i);
                    assertEquals(y1, g1, Math.abs(y1) * 1e-3 + 1e-3, "token " + t + " head " + h + " pair " + i);
                }
            }
            for (int i = 0; i < kvDim; i++) {
                assertEquals(Float16.round(row[qDim + kvDim + i]), Float16.toFloat(gotV[(int) slots[t] * kvDim + i]), 0f);
            }
        }
        free(dqkv, dbias, q, kc, vc, dpos, dslots, dinv);
    }

    /**
     * A step mixing a prefix group's decode tokens (tables sharing leading blocks), a lone
     * sequence's decode token and another sequence's causal prefill chunk, through the plan, the
     * partial kernel and the merge, against softmax attention computed in double per token; also
     * as a sliding layer (the window starting inside the shared prefix and inside tiles) and with
     * soft-capped scores.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"64,attn_mma,0,0", "128,attn_mma,0,0", "64,attn_partial,0,0", "128,attn_partial,0,0",
            "64,attn_mma,100,0", "128,attn_partial,300,0", "128,attn_mma,37,0", "64,attn_mma,0,1.5", "64,attn_partial,200,1.5",
            "256,attn_mma,0,0", "256,attn_partial,0,0", "256,attn_mma,300,0"})
    void pagedAttentionWithSharedPrefixMatchesReference(int d, String kernel, int window, float softcap) {
        runner.makeCurrent();
        int heads = d == 64 ? 4 : d == 128 ? 32 : 8, kvHeads = d == 64 ? 2 : d == 128 ? 8 : 2, bs = 16, blocks = 160;
        int kvDim = kvHeads * d;
        short[] kBits = new short[blocks * bs * kvDim], vBits = new short[blocks * bs * kvDim];
        float[] keys = random(rnd, kBits.length, 2f, ComputeType.F16, kBits), values = random(rnd, vBits.length, 1f, ComputeType.F16, vBits);
        int[] prefix = range(0, 40); // 640 shared positions: past one SPAN
        BlockTable a = BlockTable.of(bs, concat(prefix, range(40, 44)));
        BlockTable b = BlockTable.of(bs, concat(prefix, range(50, 53)));
        BlockTable c = BlockTable.of(bs, concat(Arrays.copyOf(prefix, 20), range(60, 62))); // shares 20 of the 40
        BlockTable lone = BlockTable.of(bs, range(70, 75));
        BlockTable lone2 = BlockTable.of(bs, range(75, 80));
        BlockTable prefill = BlockTable.of(bs, range(80, 150));
        StepBatch batch = new StepBatch(256);
        batch.add(0, 700, a, true);
        batch.add(0, 681, b, true);
        batch.add(0, 350, c, true);
        batch.add(0, 79, lone, true);
        batch.add(0, 37, lone2, true); // ends mid-tile and mid-block
        for (int p = 1000; p < 1100; p++) batch.add(0, p, prefill, p == 1099);
        int n = batch.size();
        short[] qBits = new short[n * heads * d];
        float[] q = random(rnd, qBits.length, 1f, ComputeType.F16, qBits);
        boolean mma = kernel.equals("attn_mma");
        AttentionPlan plan = new AttentionPlan(heads, kvHeads, mma);
        plan.build(batch);
        int[] positions = new int[n];
        for (int t = 0; t < n; t++) positions[t] = batch.position(t);
        CUdeviceptr dq = upload16(qBits), dk = upload16(kBits), dv = upload16(vBits);
        CUdeviceptr items = upload(Arrays.copyOf(plan.items, plan.itemCount * AttentionPlan.ITEM_INTS));
        CUdeviceptr itemTokens = upload(Arrays.copyOf(plan.itemTokens, plan.itemTokenCount));
        CUdeviceptr dpos = upload(positions), blockIds = upload(Arrays.copyOf(plan.blockIds, plan.blockIdCount));
        CUdeviceptr offsets = upload(Arrays.copyOf(plan.mergeOffsets, n + 1)), recs = upload(Arrays.copyOf(plan.mergeRecs, plan.mergeOffsets[n]));
        CUdeviceptr partO = alloc(4L * plan.recordCount * heads * d), partML = alloc(8L * plan.recordCount * heads), out = alloc(2L * n * heads * d);
        poison(out, (long) n * heads * d / 2);
        CUdeviceptr probe = alloc(8);
        k.launch("attn_smem_bytes_d" + d, runner.stream(), 1, 1, 1, 0, probe);
        sync();
        int smem = ints(probe, 2)[mma ? 1 : 0];
        k.allowSharedMemory(kernel + "_d" + d, smem);
        float scale = (float) (1 / Math.sqrt(d));
        poison(partO, (long) plan.recordCount * heads * d);
        k.launch(kernel + "_d" + d, runner.stream(), plan.itemCount, kvHeads, 128, smem,
                dq, dk, dv, items, itemTokens, dpos, blockIds, partO, partML, heads, kvHeads, bs, scale, window, softcap);
        k.launch("attn_merge_f16", runner.stream(), n, 1, 128, 0, partO, partML, offsets, recs, out, heads, d);
        sync();
        short[] got = shorts(out, n * heads * d);
        for (int t = 0; t < n; t++) {
            BlockTable table = batch.table(t);
            int pos = batch.position(t);
            for (int h = 0; h < heads; h++) {
                int kvh = h / (heads / kvHeads);
                double[] s = new double[pos + 1];
                double max = Double.NEGATIVE_INFINITY;
                int first = window > 0 ? Math.max(0, pos - window + 1) : 0;
                for (int p = first; p <= pos; p++) {
                    double dot = 0;
                    int off = table.slot(p) * kvDim + kvh * d;
                    for (int i = 0; i < d; i++) dot += q[(t * heads + h) * d + i] * keys[off + i];
                    s[p] = dot * scale;
                    if (softcap > 0) s[p] = softcap * Math.tanh(s[p] / softcap);
                    max = Math.max(max, s[p]);
                }
                double sum = 0;
                double[] ref = new double[d];
                for (int p = first; p <= pos; p++) {
                    double e = Math.exp(s[p] - max);
                    sum += e;
                    int off = table.slot(p) * kvDim + kvh * d;
                    for (int i = 0; i < d; i++) ref[i] += e * values[off + i];
                }
                float[] g = new float[d];
                for (int i = 0; i < d; i++) {
                    ref[i] /= sum;
                    g[i] = Float16.toFloat(got[(t * heads + h) * d + i]);
                }
                double err = relativeError(g, ref);
                assertTrue(err < 5e-3, "token " + t + " (position " + pos + ") head " + h + ": relative error " + err);
            }
        }
        free(dq, dk, dv, items, itemTokens, dpos, blockIds, offsets, recs, partO, partML, out, probe);
    }

    @Test
    void samplingOnTheDeviceFollowsTheParameters() {
        runner.makeCurrent();
        int vocab = 5000;
        float[][] rows = new float[8][vocab];
        for (float[] r : rows) for (int i = 0; i < vocab; i++) r[i] = (float) rnd.nextGaussian() * 2;
        rows[1][10] = 50f; rows[1][20] = 50f; rows[1][30] = Float.NaN; rows[1][40] = Float.POSITIVE_INFINITY; // ties: lowest id
        Arrays.fill(rows[7], Float.NEGATIVE_INFINITY); // nothing to choose
        float[][] params = {
                {0f, 0, 1f, 0f, 0f},        // greedy
                {0f, 0, 1f, 0f, 0f},        // greedy with ties, NaN and infinity
                {1f, 1, 1f, 0f, 0.7f},      // top-k 1 is greedy
                {0.8f, 20, 1f, 0f, 0.3f},   // top-k
                {1f, 0, 0.5f, 0f, 0.9f},    // top-p
                {1.2f, 50, 0.9f, 0.05f, 0.55f}, // all three
                {1f, 0, 1f, 0f, 0.999f},    // the whole vocabulary
                {0f, 0, 1f, 0f, 0f}};
        float[] flat = new float[rows.length * vocab], p = new float[rows.length * 5];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * vocab, vocab);
            System.arraycopy(params[r], 0, p, r * 5, 5);
        }
        CUdeviceptr dl = upload(flat), dp = upload(p), out = alloc(4L * rows.length);
        k.launch("sample_rows", runner.stream(), rows.length, 1, 1024, 0, dl, vocab, dp, out);
        sync();
        int[] got = ints(out, rows.length);
        assertEquals(argmax(rows[0]), got[0]);
        assertEquals(10, got[1]);
        assertEquals(argmax(rows[2]), got[2]);
        assertEquals(-1, got[7]);
        for (int r = 3; r <= 6; r++) {
            // Float sums on the device against double here: a draw within 1e-5 of a boundary may fall either side.
            java.util.Set<Integer> expected = new java.util.HashSet<>();
            for (float du : new float[] {-1e-5f, 0f, 1e-5f}) {
                float[] shifted = params[r].clone();
                shifted[4] = Math.min(Math.max(shifted[4] + du, 0f), 0.9999999f);
                expected.add(referenceDraw(rows[r], shifted));
            }
            assertTrue(expected.contains(got[r]), "row " + r + " with " + Arrays.toString(params[r]) + ": got " + got[r] + ", expected one of " + expected);
        }
        // The same draw gives the same token whatever else is in the launch.
        CUdeviceptr one = upload(Arrays.copyOfRange(flat, 3 * vocab, 4 * vocab)), oneP = upload(params[3]), oneOut = alloc(4);
        k.launch("sample_rows", runner.stream(), 1, 1, 1024, 0, one, vocab, oneP, oneOut);
        sync();
        assertArrayEquals(new int[] {got[3]}, ints(oneOut, 1));
        free(dl, dp, out, one, oneP, oneOut);
    }

    /** The kernel's rule in plain Java: top-k, then top-p, then min-p, then u times the kept mass in id order. */
    private static int referenceDraw(float[] l, float[] p) {
        float t = p[0], topP = p[2], minP = p[3], u = p[4];
        int topK = (int) p[1];
        float[] sorted = l.clone();
        Arrays.sort(sorted);
        float max = sorted[sorted.length - 1];
        float threshold = Float.NEGATIVE_INFINITY;
        if (topK > 0 && topK < l.length) threshold = sorted[sorted.length - topK];
        if (topP < 1f) {
            double total = 0;
            for (float v : l) if (v >= threshold) total += Math.exp((v - max) / t);
            double acc = 0;
            for (int i = sorted.length - 1; i >= 0; i--) {
                if (sorted[i] < threshold) break;
                acc += Math.exp((sorted[i] - max) / t);
                if (acc >= topP * total) { threshold = sorted[i]; break; }
            }
        }
        if (minP > 0) threshold = Math.max(threshold, (float) (max + t * Math.log(minP)));
        double total = 0;
        for (float v : l) if (v >= threshold) total += Math.exp((v - max) / t);
        double target = u * total, acc = 0;
        int last = -1;
        for (int i = 0; i < l.length; i++) {
            if (l[i] < threshold) continue;
            acc += Math.exp((l[i] - max) / t);
            last = i;
            if (acc > target) return i;
        }
        return last;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    private static int[] concat(int[] x, int[] y) {
        int[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }
}
