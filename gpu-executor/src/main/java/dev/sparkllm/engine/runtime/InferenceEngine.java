package dev.sparkllm.engine.runtime;

import dev.sparkllm.engine.backend.ModelRunner;
import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.cpu.CpuModelRunner;
import dev.sparkllm.engine.model.LoadedModel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * Generates for a list of requests with continuous batching: up to {@code maxSequences} run at
 * once; every step carries each running sequence's decode token plus prefill chunks of newly
 * admitted ones, up to {@code maxStepTokens}; a finished sequence's place is refilled at once.
 * Results come back in request order; a request that cannot run gets an error result.
 */
public final class InferenceEngine implements AutoCloseable {
    private final LoadedModel model;
    private final ModelRunner runner;
    private final EngineOptions options;
    private final PromptPreparer preparer;
    private final StepBatch batch;
    private final float[] logits;
    private final float[] rowLogits;

    public InferenceEngine(LoadedModel model, ModelRunner runner, EngineOptions options) {
        this.model = model;
        this.runner = runner;
        this.options = options;
        this.preparer = new PromptPreparer(model, runner.contextLength());
        this.batch = new StepBatch(options.maxStepTokens());
        this.logits = new float[Math.multiplyExact(options.maxSequences(), runner.vocabSize())];
        this.rowLogits = new float[runner.vocabSize()];
    }

    /** An engine on the CPU backend. */
    public static InferenceEngine cpu(LoadedModel model, EngineOptions options) {
        return new InferenceEngine(model, new CpuModelRunner(model.config(), model.weights(), options.maxContext()), options);
    }

    public LoadedModel model() { return model; }

    /**
     * Validates and tokenizes a request (chat template applied) without running it: what a
     * planner needs before generation. Thread-safe: it touches no engine state.
     */
    public PromptPreparer.Prepared prepare(GenerationRequest request) {
        return preparer.prepare(request);
    }

    public List<GenerationResult> generate(List<GenerationRequest> requests) {
        GenerationResult[] results = new GenerationResult[requests.size()];
        Deque<Sequence> waiting = new ArrayDeque<>();
        for (int i = 0; i < requests.size(); i++) {
            GenerationRequest r = requests.get(i);
            PromptPreparer.Prepared p = preparer.prepare(r);
            if (p.error() != null) {
                results[i] = GenerationResult.failed(r.id(), p.tokens() == null ? 0 : p.tokens().length, p.error());
            } else {
                waiting.add(new Sequence(i, r, p.tokens(), runner.newCache(), runner.vocabSize(), runner.contextLength()));
            }
        }
        List<Sequence> running = new ArrayList<>();
        while (!waiting.isEmpty() || !running.isEmpty()) {
            while (running.size() < options.maxSequences() && !waiting.isEmpty()) {
                Sequence s = waiting.poll();
                if (s.finished()) results[s.slot] = s.result();
                else running.add(s);
            }
            step(running);
            for (Iterator<Sequence> it = running.iterator(); it.hasNext(); ) {
                Sequence s = it.next();
                if (s.finished()) {
                    results[s.slot] = s.result();
                    it.remove();
                }
            }
        }
        return List.of(results);
    }

    /** One forward step over all running sequences: decode tokens first, then prefill chunks. */
    private void step(List<Sequence> running) {
        batch.clear();
        List<Sequence> wantLogits = new ArrayList<>(running.size());
        for (Sequence s : running) {
            if (s.prefillDone()) {
                batch.add(s.lastToken(), s.nextPosition(), s.cache, true);
                wantLogits.add(s);
            }
        }
        for (Sequence s : running) {
            int room = batch.capacity() - batch.size();
            if (room == 0) break;
            if (s.prefillDone()) continue;
            int chunk = Math.min(room, s.remainingPrompt());
            int start = s.prefilled();
            for (int i = 0; i < chunk; i++) {
                boolean last = start + i == s.prompt.length - 1;
                batch.add(s.prompt[start + i], start + i, s.cache, last);
            }
            s.advancePrefill(chunk);
            if (s.prefillDone()) wantLogits.add(s);
        }
        runner.forward(batch, logits);
        // Logit rows come in batch order: decode tokens first, then completed prefills.
        int vocab = runner.vocabSize();
        for (int row = 0; row < wantLogits.size(); row++) {
            System.arraycopy(logits, row * vocab, rowLogits, 0, vocab);
            wantLogits.get(row).accept(rowLogits, model.tokenizer());
        }
    }

    @Override
    public void close() {
        runner.close();
    }
}
