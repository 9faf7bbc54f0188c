package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.kv.BlockTable;
import dev.sparkllm.engine.model.ArchSwitches;
import dev.sparkllm.engine.model.ModelConfig;
import dev.sparkllm.engine.model.RopeStyle;

import java.util.Random;

/**
 * Times {@link PagedAttention#compute} for one layer of SmolLM2-135M's shape (9 query heads, 3 kv
 * heads of 64) over a pool of random keys and values, in three steps the engine meets: a prompt
 * chunk (256 tokens of one sequence at positions 256-511), decode without sharing (64 sequences at
 * position 600, each its own blocks) and decode of one group (64 members over a 512-token common
 * prefix, at position 600). Prints ms per step and GFLOP/s, counting the two products (4 FLOPs per
 * query head, position and dimension). No baseline: it is for finding where attention's time goes.
 * Usage:
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp gpu-executor/target/classes \
 *        dev.sparkllm.engine.cpu.AttentionBench [threads] [prefill|decode|shared ...]
 * </pre>
 */
public final class AttentionBench {
    private AttentionBench() {}

    private static final int HEAD_DIM = 64, HEADS = 9, KV_HEADS = 3, BLOCK = 16, POOL_BLOCKS = 2560;

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        String[] shapes = args.length > 1 ? java.util.Arrays.copyOfRange(args, 1, args.length)
                : new String[] {"prefill", "decode", "shared"};
        Parallel.setThreads(threads);
        ArchSwitches plain = new ArchSwitches(1f, ArchSwitches.Activation.SILU, false, false, 0, null, 0f, 0f, 0f, 0f);
        ModelConfig c = new ModelConfig("llama", 16, HEADS * HEAD_DIM, 64, 1, HEADS, KV_HEADS, HEAD_DIM, 4096, 1e-5f,
                10000f, RopeStyle.INTERLEAVED, null, 1f, plain);
        CpuKvStorage kv = randomPool(new Random(1));
        for (String shape : shapes) {
            StepBatch batch = step(shape);
            long pairs = 0;
            for (int t = 0; t < batch.size(); t++) pairs += batch.position(t) + 1;
            float[] q = new float[batch.size() * HEADS * HEAD_DIM], out = new float[q.length];
            Random rnd = new Random(2);
            for (int i = 0; i < q.length; i++) q[i] = (float) rnd.nextGaussian();
            PagedAttention attention = new PagedAttention(c);
            double flops = 4.0 * pairs * HEADS * HEAD_DIM;
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 20; round++) { // the first rounds are the JIT's warm-up
                long start = System.nanoTime();
                for (int rep = 0; rep < 20; rep++) attention.compute(0, batch, kv, q.clone(), out);
                best = Math.min(best, (System.nanoTime() - start) / 20.0);
            }
            System.out.printf("threads=%d %s: best %.2f ms per layer step, %.1f GFLOP/s%n", threads, shape, best / 1e6,
                    flops / best);
        }
    }

    private static CpuKvStorage randomPool(Random rnd) {
        CpuKvStorage kv = new CpuKvStorage(1, KV_HEADS, HEAD_DIM, POOL_BLOCKS, BLOCK);
        float[] k = new float[KV_HEADS * HEAD_DIM], v = new float[k.length];
        for (int slot = 0; slot < POOL_BLOCKS * BLOCK; slot++) {
            for (int i = 0; i < k.length; i++) {
                k[i] = (float) rnd.nextGaussian();
                v[i] = (float) rnd.nextGaussian();
            }
            kv.store(0, slot, k, 0, v, 0);
        }
        return kv;
    }

    private static StepBatch step(String shape) {
        StepBatch batch = new StepBatch(256);
        switch (shape) {
            case "prefill" -> {
                BlockTable table = BlockTable.of(BLOCK, range(0, 32));
                for (int p = 256; p < 512; p++) batch.add(0, p, table, false);
            }
            case "decode" -> {
                for (int m = 0; m < 64; m++) batch.add(0, 600, BlockTable.of(BLOCK, range(m * 38, 38)), false);
            }
            case "shared" -> {
                for (int m = 0; m < 64; m++) {
                    int[] blocks = range(0, 38);
                    for (int b = 32; b < 38; b++) blocks[b] = 32 + m * 6 + (b - 32);
                    batch.add(0, 600, BlockTable.of(BLOCK, blocks), false);
                }
            }
            default -> throw new IllegalArgumentException("shape must be prefill, decode or shared, got " + shape);
        }
        return batch;
    }

    private static int[] range(int first, int count) {
        int[] blocks = new int[count];
        for (int i = 0; i < count; i++) blocks[i] = first + i;
        return blocks;
    }
}
