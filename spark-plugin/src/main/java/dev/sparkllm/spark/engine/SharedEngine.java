package dev.sparkllm.spark.engine;

import dev.sparkllm.engine.arrow.ArrowRequestReader;
import dev.sparkllm.engine.arrow.ArrowResultWriter;
import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.sampling.SamplingParams;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.runtime.GenerationResult;
import dev.sparkllm.engine.runtime.InferenceEngine;
import dev.sparkllm.engine.runtime.PromptPreparer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One model's engine, shared by every task of an executor. Tasks submit their rows; one worker
 * thread takes everything submitted so far and runs it as one continuous batch, so concurrent
 * tasks fill the same engine steps instead of taking turns with half-empty ones.
 */
public final class SharedEngine implements AutoCloseable {
  private final LoadedModel model;
  private final InferenceEngine engine;
  private final LinkedBlockingQueue<Submission> queue = new LinkedBlockingQueue<>();
  private final Thread worker;
  private volatile boolean closed;

  private record Submission(List<GenerationRequest> requests, CompletableFuture<List<GenerationResult>> done) {}

  SharedEngine(String name, LoadedModel model, InferenceEngine engine) {
    this.model = model;
    this.engine = engine;
    this.worker = new Thread(this::run, "sparkllm-engine-" + name);
    this.worker.setDaemon(true);
    this.worker.start();
  }

  public LoadedModel model() {
    return model;
  }

  /** Tokenizes and validates one request (chat template applied); safe from any thread. */
  public PromptPreparer.Prepared prepare(GenerationRequest request) {
    return engine.prepare(request);
  }

  /**
   * Generates for the requests, batched with whatever other tasks submit meanwhile. An interrupted
   * task (Spark killing it) stops waiting; requests not started yet are dropped.
   */
  public List<GenerationResult> generate(List<GenerationRequest> requests) throws InterruptedException {
    if (requests.isEmpty()) {
      return List.of();
    }
    if (closed) {
      throw new IllegalStateException("the engine for " + model.name() + " is shut down");
    }
    Submission submission = new Submission(List.copyOf(requests), new CompletableFuture<>());
    queue.add(submission);
    try {
      return submission.done().get();
    } catch (InterruptedException e) {
      queue.remove(submission);
      submission.done().cancel(false);
      throw e;
    } catch (ExecutionException e) {
      throw new IllegalStateException("the engine failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * Generates for a request record batch (token ids and sampling columns, see
   * {@code RequestSchema}) and returns the result batch, which the caller closes.
   */
  public VectorSchemaRoot generate(VectorSchemaRoot requests, BufferAllocator allocator) throws InterruptedException {
    List<GenerationRequest> read = ArrowRequestReader.read(requests, SamplingParams.GREEDY);
    return ArrowResultWriter.write(generate(read), allocator);
  }

  private void run() {
    while (!closed) {
      List<Submission> round = new ArrayList<>();
      try {
        round.add(queue.take());
      } catch (InterruptedException e) {
        return; // shut down
      }
      queue.drainTo(round);
      round.removeIf(s -> s.done().isCancelled());
      List<GenerationRequest> all = new ArrayList<>();
      for (Submission s : round) {
        all.addAll(s.requests());
      }
      try {
        List<GenerationResult> results = engine.generate(all);
        int at = 0;
        for (Submission s : round) {
          s.done().complete(results.subList(at, at + s.requests().size()));
          at += s.requests().size();
        }
      } catch (RuntimeException | Error e) {
        round.forEach(s -> s.done().completeExceptionally(e));
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    worker.interrupt();
    for (Submission s : queue) {
      s.done().completeExceptionally(new CancellationException("engine shut down"));
    }
    try {
      worker.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    engine.close();
    model.close();
  }
}
