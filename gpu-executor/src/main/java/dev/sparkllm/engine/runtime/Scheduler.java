package dev.sparkllm.engine.runtime;

import dev.sparkllm.engine.backend.ForwardTimes;
import dev.sparkllm.engine.backend.ModelRunner;
import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.kv.BlockAllocator;
import dev.sparkllm.engine.sampling.Sampler;
import dev.sparkllm.engine.sampling.SamplingParams;
import dev.sparkllm.engine.sampling.TokenLogprobs;
import dev.sparkllm.engine.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides each engine step and runs it: continuous batching over the KV block pool. A step reads
 * like nano-vllm's: {@link #plan} picks the step's tokens and blocks, the runner computes them,
 * {@link #sample} picks each logits row's next token, and {@link #postprocess} updates the
 * sequences and frees the finished ones.
 *
 * <p>A step takes every running sequence's decode token first, then prefill chunks of running
 * sequences, then admits waiting sequences (in fair-queue order) while the step's token budget
 * lasts and the {@link AdmissionPolicy} agrees: memory-centric (as many as the free blocks allow)
 * or a fixed count. Admission takes all the prefill's blocks at once, so a started prefill never
 * waits for memory.
 *
 * <p>Prefix sharing: a sequence's leading prompt blocks that the pool already holds (another
 * sequence computed them) are taken by reference, not computed. A waiting sequence whose next
 * block is being computed right now by a running sequence is held back until it is done, so a
 * group's members start as soon as their prefix is in the pool and compute only their own part;
 * meanwhile the step admits whoever comes next (the next group's first member).
 *
 * <p>When a decode token finds no free block, the most recently admitted sequence is preempted:
 * its blocks are freed and it waits again at the front of its user's queue, to be recomputed
 * (prompt and generated tokens, minus whatever prefix the pool still holds). A request is never
 * lost, and memory never grows past the pool.
 *
 * <p>Each step is timed by part: the runner's forward (split by the runner into products,
 * attention and the rest), sampling, and scheduling (everything else of the step).
 */
final class Scheduler {
    /** How many waiting sequences one step looks at for one it can admit. */
    private static final int LOOKAHEAD = 256;

    private final ModelRunner runner;
    private final Tokenizer tokenizer;
    private final EngineOptions options;
    private final BlockAllocator allocator;
    private final StepBatch batch;
    private final float[] logits;
    private final float[] rowLogits;
    /** One sampler for every sequence: its scratch is vocabulary-sized, too big to keep per waiting request. */
    private final Sampler sampler;
    private final TokenLogprobs logprobMath = new TokenLogprobs();
    /** Host logits for a device-sampling runner's steps with rows that want log-probabilities; allocated on first use. */
    private float[] deviceLogits = new float[0];
    private final FairQueue waiting = new FairQueue();
    private final List<Sequence> running = new ArrayList<>();
    private final List<Sequence> logitRows = new ArrayList<>();
    /** Prompt blocks being computed by a running sequence, by chain hash. */
    private final Map<Long, Sequence> pending = new HashMap<>();
    private final AdmissionPolicy admission;
    private long promptTokens, cachedTokens, computedTokens, recomputedTokens, iterations, preemptions;
    private long sharedQueryChunks;
    /** Wall time of whole steps, of the runner's forward calls and of sampling. */
    private long stepNanos, forwardNanos, samplingNanos;
    /** The runner's own split of its forward time. */
    private ForwardTimes forwardParts = ForwardTimes.NONE;

    Scheduler(ModelRunner runner, Tokenizer tokenizer, EngineOptions options, int poolBlocks) {
        this.runner = runner;
        this.tokenizer = tokenizer;
        this.options = options;
        this.allocator = new BlockAllocator(poolBlocks, options.blockSize());
        this.batch = new StepBatch(Math.max(options.maxStepTokens(), options.maxSequences()));
        // Logits come to the host only from a runner that does not sample on the device.
        this.logits = runner.samplesOnDevice() ? new float[0] : new float[Math.multiplyExact(options.maxSequences(), runner.vocabSize())];
        this.rowLogits = new float[runner.samplesOnDevice() ? 0 : runner.vocabSize()];
        this.sampler = new Sampler(runner.vocabSize());
        this.admission = AdmissionPolicy.of(options, poolBlocks);
    }

    BlockAllocator allocator() { return allocator; }

    boolean idle() { return running.isEmpty() && waiting.isEmpty(); }

    /** Blocks a sequence of {@code positions} positions holds. */
    int blocksFor(int positions) {
        return (positions + options.blockSize() - 1) / options.blockSize();
    }

    void add(Sequence s) { waiting.add(s); }

    /** Ends every sequence of cancelled submissions, freeing their blocks; returns them. */
    List<Sequence> dropCancelled() {
        List<Sequence> dropped = waiting.removeIf(s -> s.submission.cancelled());
        for (int i = running.size() - 1; i >= 0; i--) {
            Sequence s = running.get(i);
            if (s.submission.cancelled()) {
                running.remove(i);
                free(s);
                dropped.add(s);
            }
        }
        dropped.forEach(Sequence::cancel);
        return dropped;
    }

    /** Everything, running or waiting, is dropped (the engine failed or closes). */
    List<Sequence> dropAll() {
        List<Sequence> all = waiting.removeIf(s -> true);
        for (Sequence s : running) free(s);
        all.addAll(running);
        running.clear();
        return all;
    }

    /** Plans, computes and samples one step; returns the sequences that finished in it. */
    List<Sequence> step() {
        long started = System.nanoTime();
        if (!plan()) return List.of();
        if (runner.samplesOnDevice()) {
            forwardSampledOnDevice();
        } else {
            long forwardStart = System.nanoTime();
            runner.forward(batch, logits);
            long sampleStart = System.nanoTime();
            forwardNanos += sampleStart - forwardStart;
            sample();
            samplingNanos += System.nanoTime() - sampleStart;
        }
        forwardParts = forwardParts.plus(runner.takeForwardTimes());
        List<Sequence> finished = postprocess();
        stepNanos += System.nanoTime() - started;
        return finished;
    }

    /**
     * Fills the step's batch: decode tokens, prefill chunks of running sequences, then admitted
     * sequences' chunks while the token budget lasts. False when there is nothing to compute.
     */
    private boolean plan() {
        batch.clear();
        logitRows.clear();
        scheduleDecodes();
        int budget = options.maxStepTokens() - batch.size();
        for (Sequence s : running) {
            if (budget <= 0) break;
            if (!s.prefillDone()) budget -= addPrefillChunk(s, budget);
        }
        while (budget > 0 && !admission.full(running.size())) {
            Sequence s = admitNext();
            if (s == null) break;
            if (!s.prefillDone()) budget -= addPrefillChunk(s, budget);
        }
        return batch.size() > 0;
    }

    /** Each logits row's sequence picks its next token from the host logits. */
    private void sample() {
        int vocab = runner.vocabSize();
        for (int row = 0; row < logitRows.size(); row++) {
            System.arraycopy(logits, row * vocab, rowLogits, 0, vocab);
            logitRows.get(row).accept(rowLogits, tokenizer, sampler, logprobMath);
        }
    }

    /** Counts the step, indexes newly computed prompt blocks, and frees the finished sequences. */
    private List<Sequence> postprocess() {
        iterations++;
        computedTokens += batch.size();
        sharedQueryChunks += runner.takeSharedQueryChunks();
        List<Sequence> finished = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            Sequence s = running.get(i);
            if (options.prefixSharing()) indexComputedBlocks(s);
            if (s.finished()) finished.add(s);
        }
        for (Sequence s : finished) {
            running.remove(s);
            free(s);
        }
        return finished;
    }

    /** The runner chooses the tokens itself: only the parameters and random draws go to it, only token ids come back. */
    private void forwardSampledOnDevice() {
        int rows = logitRows.size();
        SamplingParams[] params = new SamplingParams[rows];
        float[] draws = new float[rows];
        int[] tokens = new int[rows];
        boolean logprobRows = false;
        for (int row = 0; row < rows; row++) {
            Sequence s = logitRows.get(row);
            params[row] = s.request.params();
            draws[row] = s.deviceDraw();
            logprobRows |= s.wantsLogprobs();
        }
        // The device still chooses every token (so asking for logprobs changes no token); the logits
        // come to the host only in steps that have a row asking for them.
        float[] hostLogits = logprobRows ? deviceLogits(rows) : null;
        long forwardStart = System.nanoTime();
        runner.forwardAndSample(batch, params, draws, tokens, hostLogits);
        long acceptStart = System.nanoTime();
        // The device's sampling is part of its forward; only applying the stopping rules is the host's.
        forwardNanos += acceptStart - forwardStart;
        int vocab = runner.vocabSize();
        for (int row = 0; row < rows; row++) {
            Sequence s = logitRows.get(row);
            if (s.wantsLogprobs()) s.recordLogprobs(hostLogits, row * vocab, vocab, tokens[row], tokenizer, logprobMath);
            s.acceptToken(tokens[row], tokenizer);
        }
        samplingNanos += System.nanoTime() - acceptStart;
    }

    private float[] deviceLogits(int rows) {
        int needed = Math.multiplyExact(rows, runner.vocabSize());
        if (deviceLogits.length < needed) deviceLogits = new float[needed];
        return deviceLogits;
    }

    /** Every running sequence past its prefill feeds its last token; a missing block preempts. */
    private void scheduleDecodes() {
        for (int i = 0; i < running.size(); i++) {
            Sequence s = running.get(i);
            if (!s.prefillDone()) continue;
            int position = s.nextPosition();
            boolean preemptedSelf = false;
            while (s.table.capacity() <= position && !allocator.appendNew(s.table)) {
                Sequence victim = running.get(running.size() - 1);
                preempt(victim);
                if (victim == s) {
                    preemptedSelf = true;
                    break;
                }
            }
            if (preemptedSelf) break; // s was the last one; nothing after it is left
            batch.add(s.lastToken(), position, s.table, true);
            logitRows.add(s);
            s.advance(1);
        }
    }

    /** Adds the next prefill chunk of {@code s} (its blocks were taken at admission). */
    private int addPrefillChunk(Sequence s, int budget) {
        int start = s.computed();
        int end = Math.min(s.prefillTarget(), start + budget);
        for (int p = start; p < end; p++) {
            boolean wantLogits = s.logitsAt(p);
            batch.add(s.tokenAt(p), p, s.table, wantLogits);
            if (wantLogits) logitRows.add(s);
        }
        if (s.preempted) recomputedTokens += end - start;
        s.advance(end - start);
        return end - start;
    }

    /**
     * Admits the first waiting sequence in fair order that is not waiting for a prefix being
     * computed and that the admission policy lets in; null when there is none. The first
     * candidate refused stops the search, so large requests are not starved by small ones.
     */
    private Sequence admitNext() {
        for (Sequence s : waiting.candidates(LOOKAHEAD)) {
            if (options.prefixSharing() && waitsForPrefix(s)) continue;
            int matchable = matchableBlocks(s);
            BlockAllocator.PrefixMatch cached = allocator.cachedPrefix(s.prompt, s.blockHashes, matchable);
            int need = blocksFor(s.prefillTarget()) - cached.blocks() + cached.freeBlocks();
            if (!admission.admits(running.size(), need, allocator.freeBlocks())) return null;
            waiting.remove(s);
            admit(s, matchable);
            return s;
        }
        return null;
    }

    private void admit(Sequence s, int matchable) {
        int cached = options.prefixSharing() ? allocator.appendCached(s.table, s.prompt, s.blockHashes, matchable) : 0;
        int cachedPositions = cached * options.blockSize();
        s.startFrom(cachedPositions);
        s.indexedBlocks = cached;
        if (!s.admittedOnce) {
            s.admittedOnce = true;
            s.cachedTokens = cachedPositions;
            promptTokens += s.prompt.length;
            cachedTokens += cachedPositions;
        }
        while (s.table.capacity() < s.prefillTarget()) {
            if (!allocator.appendNew(s.table)) throw new IllegalStateException("admitted without free blocks");
        }
        if (options.prefixSharing()) {
            for (int b = cached; b < s.blockHashes.length; b++) pending.putIfAbsent(s.blockHashes[b], s);
        }
        running.add(s);
    }

    /**
     * Leading prompt blocks a sequence may take from the pool: whole prompt blocks, leaving at
     * least the last prompt token to compute when its logits are still needed.
     */
    private int matchableBlocks(Sequence s) {
        if (!options.prefixSharing()) return 0;
        int limit = s.generatedCount() == 0 ? s.prompt.length - 1 : s.prompt.length;
        return Math.min(s.blockHashes.length, limit / options.blockSize());
    }

    /** Whether the next block this sequence would compute is being computed by a running one. */
    private boolean waitsForPrefix(Sequence s) {
        int matchable = matchableBlocks(s);
        int cached = allocator.cachedPrefix(s.prompt, s.blockHashes, matchable).blocks();
        if (cached >= matchable) return false;
        Sequence owner = pending.get(s.blockHashes[cached]);
        return owner != null && owner != s;
    }

    /** Puts the sequence's newly computed whole prompt blocks in the pool's index. */
    private void indexComputedBlocks(Sequence s) {
        int done = Math.min(s.computed(), s.prompt.length) / options.blockSize();
        done = Math.min(done, s.blockHashes.length);
        while (s.indexedBlocks < done) {
            int b = s.indexedBlocks++;
            allocator.index(s.table, b, s.blockHashes[b], s.prompt);
            pending.remove(s.blockHashes[b], s);
        }
    }

    private void preempt(Sequence s) {
        running.remove(s);
        free(s);
        s.dropCache();
        s.preempted = true;
        preemptions++;
        waiting.addFront(s);
    }

    private void free(Sequence s) {
        for (long h : s.blockHashes) pending.remove(h, s);
        allocator.release(s.table, 0);
    }

    EngineMetrics metrics(long kvBlockBytes) {
        // The runner's unattributed forward time (and all of it, from a runner that does not split
        // it) counts as "other forward", so the parts add up to the steps' wall time.
        long otherForward = forwardNanos - forwardParts.productNanos() - forwardParts.attentionNanos();
        long scheduling = stepNanos - forwardNanos - samplingNanos;
        return new EngineMetrics(promptTokens, cachedTokens, computedTokens, recomputedTokens, iterations,
                allocator.usedBlocks(), allocator.peakUsedBlocks(), allocator.totalBlocks(), kvBlockBytes, preemptions, sharedQueryChunks,
                forwardParts.productNanos(), forwardParts.attentionNanos(), otherForward, samplingNanos, scheduling);
    }

    void resetMetrics() {
        promptTokens = cachedTokens = computedTokens = recomputedTokens = iterations = preemptions = sharedQueryChunks = 0;
        stepNanos = forwardNanos = samplingNanos = 0;
        forwardParts = ForwardTimes.NONE;
    }
}
