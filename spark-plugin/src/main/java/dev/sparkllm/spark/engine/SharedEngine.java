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
import dev.sparkllm.engine.runtime.EngineMetrics;
import dev.sparkllm.engine.runtime.Submission;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * One model's engine, shared by every task of an executor. Each task submits its rows as one
 * submitter of its user (see {@link TaskUser}); the engine batches the rows of all concurrent
 * tasks into the same steps and shares tokens between users by weight.
 */
public final class SharedEngine implements AutoCloseable {
  private final LoadedModel model;
  private final InferenceEngine engine;

  SharedEngine(String name, LoadedModel model, InferenceEngine engine) {
    this.model = model;
    this.engine = engine;
  }

  public LoadedModel model() {
    return model;
  }

  public EngineMetrics metrics() {
    return engine.metrics();
  }

  /** Tokenizes and validates one request (chat template applied); safe from any thread. */
  public PromptPreparer.Prepared prepare(GenerationRequest request) {
    return engine.prepare(request);
  }

  /** Generates as the default user with weight 1. */
  public List<GenerationResult> generate(List<GenerationRequest> requests) throws InterruptedException {
    return generate(requests, TaskUser.DEFAULT);
  }

  /**
   * Generates for the requests, batched with whatever other tasks submit meanwhile. An interrupted
   * task (Spark killing it) cancels its requests, which frees their KV blocks at the next step.
   */
  public List<GenerationResult> generate(List<GenerationRequest> requests, TaskUser user) throws InterruptedException {
    if (requests.isEmpty()) {
      return List.of();
    }
    Submission submission = engine.submit(user.name(), user.weight(), requests);
    try {
      return submission.future().get();
    } catch (InterruptedException e) {
      submission.cancel();
      throw e;
    } catch (ExecutionException e) {
      throw new IllegalStateException("the engine failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * Generates for a request record batch (token ids and sampling columns, see
   * {@code RequestSchema}) and returns the result batch, which the caller closes.
   */
  public VectorSchemaRoot generate(VectorSchemaRoot requests, BufferAllocator allocator, TaskUser user)
      throws InterruptedException {
    List<GenerationRequest> read = ArrowRequestReader.read(requests, SamplingParams.GREEDY);
    return ArrowResultWriter.write(generate(read, user), allocator);
  }

  @Override
  public void close() {
    engine.close();
    model.close();
  }
}
