package dev.sparkllm.engine.runtime;

import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.sampling.SamplingParams;
import dev.sparkllm.engine.testutil.TestModels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch engine's invariants on the real model: a group's prefix is computed once and shared,
 * and no arrangement (sharing on or off, one sequence or many, chunked or whole prefill, a pool so
 * small that sequences are preempted and recomputed) changes a single greedy token.
 */
class BatchEngineTest {
    private static final LoadedModel MODEL = TestModels.smolLm2();
    private static final SamplingParams GREEDY_8 = new SamplingParams(8, 0f, 0, 1f, 0f, null, List.of(), true);
    /** Three groups of four prompts: 64 shared tokens (4 blocks), then 5 to 20 tokens of their own. */
    private static final List<GenerationRequest> GROUPED = groupedPrompts(3, 4, 64, GREEDY_8);

    private record Run(List<GenerationResult> results, EngineMetrics metrics) {}

    private static Run run(EngineOptions options, List<GenerationRequest> requests) {
        try (InferenceEngine engine = InferenceEngine.cpu(MODEL, options)) {
            List<GenerationResult> results = engine.generate(requests);
            return new Run(results, engine.metrics());
        }
    }

    /** Token prompts: group g's members start with the same {@code shared} tokens. */
    static List<GenerationRequest> groupedPrompts(int groups, int members, int shared, SamplingParams params) {
        Random rnd = new Random(42);
        List<GenerationRequest> out = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            int[] prefix = rnd.ints(shared, 100, 40_000).toArray();
            for (int m = 0; m < members; m++) {
                int own = 5 + rnd.nextInt(16);
                int[] tokens = new int[shared + own];
                System.arraycopy(prefix, 0, tokens, 0, shared);
                for (int i = shared; i < tokens.length; i++) tokens[i] = 100 + rnd.nextInt(40_000);
                out.add(GenerationRequest.ofTokens("g" + g + "m" + m, tokens, params));
            }
        }
        return out;
    }

    private static void assertSameTokens(List<GenerationResult> expected, List<GenerationResult> actual, String what) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertNull(actual.get(i).error(), what + ": " + actual.get(i).error());
            assertArrayEquals(expected.get(i).tokenIds(), actual.get(i).tokenIds(), what + " changed " + expected.get(i).id());
        }
    }

    @Test
    void sharingComputesEachPrefixOnceAndChangesNoToken() {
        EngineOptions base = new EngineOptions(16, 256, 512);
        Run shared = run(base, GROUPED);
        Run plain = run(base.withPrefixSharing(false), GROUPED);
        assertSameTokens(plain.results(), shared.results(), "sharing");
        // Each group's first member computes the prefix; the other three find its 4 blocks.
        int cached = shared.results().stream().mapToInt(GenerationResult::cachedTokens).sum();
        assertEquals(3 * 3 * 64, cached, "cached prompt tokens");
        assertEquals(cached, shared.metrics().cachedTokens());
        assertEquals(0, plain.metrics().cachedTokens());
        long prompt = GROUPED.stream().mapToInt(r -> r.promptTokens().length).sum();
        assertEquals(prompt, shared.metrics().promptTokens());
        assertEquals(prompt + 12 * 7, plain.metrics().computedTokens(), "every prompt token and 7 decode tokens each");
        assertEquals(prompt - cached + 12 * 7, shared.metrics().computedTokens());
        assertTrue(shared.metrics().sharedQueryChunks() > 0, "members' queries were stacked over a shared chunk");
        assertEquals(0, shared.metrics().preemptions());
    }

    @Test
    void oneAtATimeChunkedPrefillAndPlainBatchingChangeNoToken() {
        Run reference = run(new EngineOptions(16, 256, 512), GROUPED);
        assertSameTokens(reference.results(), run(new EngineOptions(1, 256, 512), GROUPED).results(), "one sequence at a time");
        assertSameTokens(reference.results(), run(new EngineOptions(16, 7, 512), GROUPED).results(), "7-token prefill chunks");
        assertSameTokens(reference.results(),
                run(new EngineOptions(8, 256, 512).plainBatching(8), GROUPED).results(), "first come first served, 8 at a time");
    }

    @Test
    void aPoolTooSmallForEveryonePreemptsAndRecomputesWithoutChangingAToken() {
        // Four prompts of 69-84 tokens generating 40: each ends at 7-8 blocks of 16 positions. In
        // 14 blocks two are admitted (5-6 blocks each), then their decode outgrows the pool.
        SamplingParams greedy40 = new SamplingParams(40, 0f, 0, 1f, 0f, null, List.of(), true);
        List<GenerationRequest> requests = groupedPrompts(1, 4, 64, greedy40);
        Run reference = run(new EngineOptions(16, 256, 512), requests);
        long blockBytes = 2L * MODEL.config().layers() * 16 * MODEL.config().kvDim() * Short.BYTES; // f16 keys and values
        for (boolean sharing : new boolean[] {false, true}) {
            EngineOptions tight = new EngineOptions(16, 256, 512).withKvCacheBytes(14 * blockBytes).withPrefixSharing(sharing);
            Run r = run(tight, requests);
            assertSameTokens(reference.results(), r.results(), "a pool of 14 blocks, sharing " + sharing);
            assertTrue(r.metrics().preemptions() > 0, "the small pool preempted: " + r.metrics());
            assertTrue(r.metrics().recomputedTokens() > 0);
            assertTrue(r.metrics().peakKvBlocks() <= 14);
        }
    }

    @Test
    void seededSamplingDoesNotDependOnTheBatchOrOnSharing() {
        SamplingParams sampled = new SamplingParams(8, 0.9f, 40, 0.95f, 0f, 99L, List.of(), true);
        List<GenerationRequest> requests = groupedPrompts(2, 3, 32, sampled);
        Run crowd = run(new EngineOptions(16, 256, 512), requests);
        Run plain = run(new EngineOptions(16, 256, 512).withPrefixSharing(false), requests);
        assertSameTokens(plain.results(), crowd.results(), "sharing, seeded sampling");
        for (int i = 0; i < requests.size(); i += 2) {
            GenerationResult alone = run(new EngineOptions(1, 256, 512), List.of(requests.get(i))).results().get(0);
            assertArrayEquals(alone.tokenIds(), crowd.results().get(i).tokenIds(), requests.get(i).id());
        }
    }

    @Test
    void aRequestThatCanNeverFitGetsAnErrorAndTheOthersFinish() {
        long blockBytes = 2L * MODEL.config().layers() * 16 * MODEL.config().kvDim() * Short.BYTES; // f16 keys and values
        List<GenerationRequest> requests = new ArrayList<>(GROUPED.subList(0, 3));
        SamplingParams long_ = new SamplingParams(400, 0f, 0, 1f, 0f, null, List.of(), true);
        requests.add(1, GenerationRequest.ofTokens("huge", new int[] {100, 200, 300}, long_));
        Run r = run(new EngineOptions(4, 256, 512).withKvCacheBytes(10 * blockBytes), requests);
        GenerationResult huge = r.results().get(1);
        assertEquals("error", huge.finishReason());
        assertTrue(huge.error().contains("KV pool holds 160"), huge.error());
        for (int i : new int[] {0, 2, 3}) {
            assertNull(r.results().get(i).error());
            assertEquals(8, r.results().get(i).completionTokens());
        }
    }

    @Test
    void cancellingASubmitterFreesItsBlocksWhileAnotherFinishes() throws Exception {
        SamplingParams endless = new SamplingParams(400, 0f, 0, 1f, 0f, null, List.of(), true);
        try (InferenceEngine engine = InferenceEngine.cpu(MODEL, new EngineOptions(16, 256, 1024))) {
            Submission big = engine.submit("big", 1.0, groupedPrompts(1, 4, 32, endless));
            Submission small = engine.submit("small", 1.0, GROUPED.subList(0, 2));
            List<GenerationResult> smallResults = small.future().get(5, TimeUnit.MINUTES);
            smallResults.forEach(r -> assertNull(r.error()));
            big.cancel();
            List<GenerationResult> bigResults = big.future().get(1, TimeUnit.MINUTES);
            for (GenerationResult r : bigResults) {
                assertEquals("cancelled", r.finishReason());
                assertTrue(r.completionTokens() < 400);
            }
            // The engine goes idle; nothing holds a block any more.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (engine.metrics().usedKvBlocks() != 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(0, engine.metrics().usedKvBlocks(), engine.metrics().toString());
        }
    }

    @Test
    void usersShareTheEngineByWeight() throws Exception {
        // Two users submit the same work at once; the one with weight 3 gets its sequences
        // admitted first about three times as often, so its last result comes well before.
        SamplingParams p = new SamplingParams(4, 0f, 0, 1f, 0f, null, List.of(), true);
        List<GenerationRequest> work = groupedPrompts(1, 8, 16, p);
        try (InferenceEngine engine = InferenceEngine.cpu(MODEL, new EngineOptions(2, 64, 256).withPrefixSharing(false))) {
            Submission light = engine.submit("light", 1.0, work);
            Submission heavy = engine.submit("heavy", 3.0, work);
            heavy.future().get(5, TimeUnit.MINUTES);
            assertTrue(!light.future().isDone(), "the weight-3 user finished first");
            assertNotNull(light.future().get(5, TimeUnit.MINUTES));
        }
    }
}
