package dev.sparkllm.engine.runtime;

import dev.sparkllm.engine.backend.ForwardTimes;
import dev.sparkllm.engine.backend.ModelRunner;
import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.sampling.SamplingParams;
import dev.sparkllm.engine.tokenizer.Tokenizer;
import dev.sparkllm.planner.hash.BlockHasher;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduler's planning with a fake runner and no model file: what each admission policy lets
 * run at once, that neither over-commits the KV pool, and that a step's time adds up by part.
 */
class SchedulerTest {
    private static final int BLOCK = EngineOptions.DEFAULT_BLOCK_SIZE;
    private static final int VOCAB = 64;
    /** 8 output tokens, EOS ignored: every request runs exactly 8 decode steps' worth. */
    private static final SamplingParams GREEDY_8 = new SamplingParams(8, 0f, 0, 1f, 0f, null, List.of(), true);

    /**
     * A runner whose logits pick (token * 31 + position) mod vocab, so the output depends only on
     * the sequence itself; it records how many sequences each step carried.
     */
    private static final class FakeRunner implements ModelRunner {
        int mostSequencesInAStep;
        long reportedProductNanos, reportedAttentionNanos;
        private long pendingProduct, pendingAttention;

        @Override public void allocateKv(int blocks, int blockSize) {}
        @Override public long kvBytesPerBlock(int blockSize) { return 1; }
        @Override public int vocabSize() { return VOCAB; }
        @Override public int contextLength() { return 1024; }

        @Override
        public void forward(StepBatch batch, float[] logits) {
            long start = System.nanoTime();
            IdentityHashMap<Object, Boolean> tables = new IdentityHashMap<>();
            int row = 0;
            for (int i = 0; i < batch.size(); i++) {
                tables.put(batch.table(i), true);
                if (!batch.wantsLogits(i)) continue;
                Arrays.fill(logits, row * VOCAB, (row + 1) * VOCAB, 0f);
                logits[row * VOCAB + Math.floorMod(batch.token(i) * 31 + batch.position(i), VOCAB)] = 1f;
                row++;
            }
            mostSequencesInAStep = Math.max(mostSequencesInAStep, tables.size());
            // Reports half of its time as products and a quarter as attention, as a CPU runner would split it.
            long spent = System.nanoTime() - start;
            pendingProduct += spent / 2;
            pendingAttention += spent / 4;
        }

        @Override
        public ForwardTimes takeForwardTimes() {
            ForwardTimes t = new ForwardTimes(pendingProduct, pendingAttention, 0);
            reportedProductNanos += pendingProduct;
            reportedAttentionNanos += pendingAttention;
            pendingProduct = pendingAttention = 0;
            return t;
        }
    }

    /** Every token is one byte of text; there is no EOS. */
    private static final class ByteTokenizer implements Tokenizer {
        @Override public int[] encode(String text, boolean addBos, boolean parseSpecial) { throw new UnsupportedOperationException(); }
        @Override public byte[] tokenBytes(int tokenId) { return new byte[] {(byte) ('a' + tokenId % 26)}; }
        @Override public String decode(int[] tokenIds) { throw new UnsupportedOperationException(); }
        @Override public int vocabSize() { return VOCAB; }
        @Override public int bosId() { return 0; }
        @Override public int[] eosIds() { return new int[0]; }
        @Override public boolean isSpecial(int tokenId) { return false; }
    }

    private record Run(List<GenerationResult> results, EngineMetrics metrics, FakeRunner runner, int peakBlocks) {
        int mostRunning() { return runner.mostSequencesInAStep; }
    }

    /** Runs the requests to the end on a pool of {@code poolBlocks}, the way the engine thread steps. */
    private static Run run(EngineOptions options, int poolBlocks, List<GenerationRequest> requests) {
        FakeRunner runner = new FakeRunner();
        Scheduler scheduler = new Scheduler(runner, new ByteTokenizer(), options, poolBlocks);
        BlockHasher hasher = new BlockHasher(BLOCK, 1);
        Submission submission = new Submission("", 1.0, requests.size());
        for (int i = 0; i < requests.size(); i++) {
            int[] prompt = requests.get(i).promptTokens();
            long[] hashes = new long[hasher.wholeBlocks(prompt.length)];
            hasher.chain(prompt, prompt.length, hashes);
            scheduler.add(new Sequence(submission, i, requests.get(i), prompt, hashes, BLOCK, VOCAB, runner.contextLength()));
        }
        for (int steps = 0; !scheduler.idle(); steps++) {
            assertTrue(steps < 10_000, "the scheduler makes progress");
            for (Sequence s : scheduler.step()) submission.complete(s.slot, s.result());
        }
        return new Run(submission.future().join(), scheduler.metrics(1), runner, scheduler.allocator().peakUsedBlocks());
    }

    /** {@code count} prompts of 20 distinct tokens each: with 8 outputs they end at 28 positions, 2 blocks. */
    private static List<GenerationRequest> distinctPrompts(int count) {
        List<GenerationRequest> out = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            int[] tokens = new int[20];
            for (int t = 0; t < tokens.length; t++) tokens[t] = 1 + (r * 20 + t) % (VOCAB - 1);
            tokens[0] = r; // no two prompts share a first block
            out.add(GenerationRequest.ofTokens("r" + r, tokens, GREEDY_8));
        }
        return out;
    }

    @Test
    void memoryCentricRunsWhatMemoryAllowsWhileFixedCountStopsAtItsCount() {
        List<GenerationRequest> requests = distinctPrompts(32);
        EngineOptions base = new EngineOptions(64, 1024, 512);
        Run memory = run(base, 256, requests);
        Run fixed = run(base.withFixedCount(4), 256, requests);
        assertEquals(32, memory.mostRunning(), "256 blocks hold all 32 sequences (2 blocks each) at once");
        assertEquals(4, fixed.mostRunning(), "a fixed count of 4");
        assertTrue(fixed.metrics().iterations() > memory.metrics().iterations(),
                "a batch of 4 takes more steps: " + fixed.metrics() + " / " + memory.metrics());
        for (int i = 0; i < requests.size(); i++) {
            assertArrayEquals(memory.results().get(i).tokenIds(), fixed.results().get(i).tokenIds(), requests.get(i).id());
            assertEquals(8, fixed.results().get(i).completionTokens());
        }
    }

    @Test
    void fixedCountNeverExceedsItsCountNorOverCommitsTheBlocks() {
        List<GenerationRequest> requests = distinctPrompts(12);
        for (int count : new int[] {1, 3, 5}) {
            Run r = run(new EngineOptions(64, 1024, 512).withFixedCount(count), 256, requests);
            assertEquals(count, r.mostRunning());
        }
        // 7 blocks hold three 2-block sequences: a count of 8 waits for blocks instead of taking them.
        Run tight = run(new EngineOptions(64, 1024, 512).withFixedCount(8), 7, requests);
        assertEquals(3, tight.mostRunning());
        assertTrue(tight.peakBlocks() <= 7);
        assertEquals(0, tight.metrics().preemptions());
        tight.results().forEach(g -> assertEquals(8, g.completionTokens()));
    }

    @Test
    void memoryCentricKeepsAReserveForRunningDecodes() {
        // 6 blocks: the first sequence takes 2 of 6, the second 2 of 4 leaving the 1-block reserve,
        // the third would leave none. A fixed count of 8 takes all three.
        List<GenerationRequest> requests = distinctPrompts(6);
        assertEquals(2, run(new EngineOptions(64, 1024, 512), 6, requests).mostRunning());
        assertEquals(3, run(new EngineOptions(64, 1024, 512).withFixedCount(8), 6, requests).mostRunning());
    }

    @Test
    void stepTimeAddsUpByPart() {
        Run r = run(new EngineOptions(8, 1024, 512), 64, distinctPrompts(8));
        EngineMetrics m = r.metrics();
        assertEquals(r.runner().reportedProductNanos, m.productNanos(), "the runner's own split is passed on");
        assertEquals(r.runner().reportedAttentionNanos, m.attentionNanos());
        assertTrue(m.otherForwardNanos() >= 0, "the runner reports at most its forward's wall time: " + m);
        assertTrue(m.samplingNanos() > 0, "64 logits rows were sampled: " + m);
        assertTrue(m.schedulingNanos() > 0, m.toString());
        assertEquals(m.stepNanos(), m.productNanos() + m.attentionNanos() + m.otherForwardNanos()
                + m.samplingNanos() + m.schedulingNanos());
    }
}
