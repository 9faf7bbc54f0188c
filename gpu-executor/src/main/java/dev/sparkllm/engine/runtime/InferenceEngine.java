package dev.sparkllm.engine.runtime;

import dev.sparkllm.engine.backend.ModelRunner;
import dev.sparkllm.engine.cpu.CpuModelRunner;
import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.planner.hash.BlockHasher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The batch engine: any number of submitters (Spark tasks, of one or several users) submit
 * requests; one engine thread runs them together with continuous batching over a shared KV block
 * pool (see {@link Scheduler}), and each submitter gets its results in request order. A request
 * that cannot run gets an error result; the others go on.
 *
 * <p>Requests are tokenized in the submitting thread, so tokenization of one task overlaps the
 * model steps of the others.
 */
public final class InferenceEngine implements AutoCloseable {
    private final LoadedModel model;
    private final ModelRunner runner;
    private final EngineOptions options;
    private final PromptPreparer preparer;
    private final BlockHasher hasher;
    private final Scheduler scheduler;
    private final long kvBlockBytes;
    private final ConcurrentLinkedQueue<List<Sequence>> inbox = new ConcurrentLinkedQueue<>();
    private final List<Submission> active = new ArrayList<>();
    private final ConcurrentLinkedQueue<Submission> submitted = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Thread worker;
    private volatile boolean closed;
    private volatile EngineMetrics lastMetrics;
    private volatile boolean resetRequested;

    public InferenceEngine(LoadedModel model, ModelRunner runner, EngineOptions options) {
        this.model = model;
        this.runner = runner;
        this.options = options;
        this.preparer = new PromptPreparer(model, runner.contextLength());
        this.hasher = new BlockHasher(options.blockSize(), 0x5eed_b10c_4a5L);
        this.kvBlockBytes = runner.kvBytesPerBlock(options.blockSize());
        int blocks = options.poolBlocks(kvBlockBytes, runner.contextLength());
        runner.allocateKv(blocks, options.blockSize());
        this.scheduler = new Scheduler(runner, model.tokenizer(), options, blocks);
        this.lastMetrics = scheduler.metrics(kvBlockBytes);
        this.worker = new Thread(this::run, "sparkllm-engine-" + model.name());
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** An engine on the CPU backend. */
    public static InferenceEngine cpu(LoadedModel model, EngineOptions options) {
        return new InferenceEngine(model, new CpuModelRunner(model.config(), model.weights(), options.maxContext()), options);
    }

    public LoadedModel model() { return model; }

    public EngineOptions options() { return options; }

    /**
     * Validates and tokenizes a request (chat template applied) without running it: what a
     * planner needs before generation. Thread-safe: it touches no engine state.
     */
    public PromptPreparer.Prepared prepare(GenerationRequest request) {
        return preparer.prepare(request);
    }

    /** Generates for the requests as the default user, waiting for all of them. */
    public List<GenerationResult> generate(List<GenerationRequest> requests) {
        Submission s = submit("", 1.0, requests);
        try {
            return s.future().get();
        } catch (InterruptedException e) {
            s.cancel();
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while generating");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the engine failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Queues the requests of one submitter. {@code user} and {@code weight} place them in the fair
     * queue; requests keep their order within the submitter (the planner's group order).
     */
    public Submission submit(String user, double weight, List<GenerationRequest> requests) {
        if (closed) throw new IllegalStateException("the engine for " + model.name() + " is closed");
        Submission submission = new Submission(user, weight, requests.size());
        List<Sequence> sequences = new ArrayList<>(requests.size());
        int poolPositions = scheduler.allocator().totalBlocks() * options.blockSize();
        for (int i = 0; i < requests.size(); i++) {
            GenerationRequest r = requests.get(i);
            PromptPreparer.Prepared p = preparer.prepare(r);
            if (p.error() != null) {
                submission.complete(i, GenerationResult.failed(r.id(), p.tokens() == null ? 0 : p.tokens().length, p.error()));
                continue;
            }
            Sequence s = new Sequence(submission, i, r, p.tokens(), blockHashes(p.tokens()), options.blockSize(),
                    runner.vocabSize(), runner.contextLength());
            if (s.finished()) {
                submission.complete(i, s.result());
            } else if (scheduler.blocksFor(s.maxPositions()) > scheduler.allocator().totalBlocks()) {
                submission.complete(i, GenerationResult.failed(r.id(), p.tokens().length, "prompt (" + p.tokens().length
                        + " tokens) plus max_tokens needs " + s.maxPositions() + " KV positions, the KV pool holds "
                        + poolPositions + " (raise the engine's KV memory or lower max_tokens)"));
            } else {
                sequences.add(s);
            }
        }
        if (!sequences.isEmpty()) {
            submitted.add(submission);
            inbox.add(sequences);
            signal();
        }
        return submission;
    }

    /** Metrics as of the last engine step. */
    public EngineMetrics metrics() { return lastMetrics; }

    /** Starts counting again from zero (peak KV blocks excepted), at the next step. */
    public void resetMetrics() {
        resetRequested = true;
        signal();
    }

    private long[] blockHashes(int[] tokens) {
        if (!options.prefixSharing()) return new long[0];
        long[] hashes = new long[hasher.wholeBlocks(tokens.length)];
        hasher.chain(tokens, tokens.length, hashes);
        return hashes;
    }

    private void signal() {
        lock.lock();
        try {
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The engine thread: takes new sequences, drops cancelled ones, steps while there is work. */
    private void run() {
        while (!closed) {
            try {
                if (resetRequested) {
                    resetRequested = false;
                    scheduler.resetMetrics();
                }
                for (List<Sequence> batch; (batch = inbox.poll()) != null; ) batch.forEach(scheduler::add);
                for (Submission s; (s = submitted.poll()) != null; ) active.add(s);
                if (active.stream().anyMatch(Submission::cancelled)) {
                    List<Sequence> dropped = scheduler.dropCancelled();
                    lastMetrics = scheduler.metrics(kvBlockBytes);
                    for (Sequence s : dropped) s.submission.complete(s.slot, s.result());
                    active.removeIf(Submission::cancelled);
                }
                if (scheduler.idle()) {
                    active.clear();
                    lastMetrics = scheduler.metrics(kvBlockBytes);
                    awaitWork();
                    continue;
                }
                List<Sequence> finished = scheduler.step();
                lastMetrics = scheduler.metrics(kvBlockBytes);
                for (Sequence s : finished) s.submission.complete(s.slot, s.result());
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException | Error e) {
                // A failed step leaves the pool's contents unknown: fail everything in flight.
                for (Sequence s : scheduler.dropAll()) s.submission.fail(e);
                active.forEach(s -> s.fail(e));
                active.clear();
            }
        }
        for (Sequence s : scheduler.dropAll()) s.submission.fail(new CancellationException("engine closed"));
    }

    private void awaitWork() throws InterruptedException {
        lock.lock();
        try {
            while (!closed && inbox.isEmpty() && !resetRequested) work.await();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        worker.interrupt();
        try {
            worker.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runner.close();
    }
}
