package dev.sparkllm.spark.exec;

import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.arrow.ArrowRequestWriter;
import dev.sparkllm.spark.engine.ExecutorEngines;
import dev.sparkllm.spark.engine.SharedEngine;
import dev.sparkllm.spark.engine.TaskUser;
import dev.sparkllm.spark.expr.ResultSchema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.DataType;

/**
 * Step 3b on an executor: the partition's rows in the plan's order (decode-heavy groups first,
 * a group's members together), streamed through the shared engine a chunk at a time, each result
 * joined to its input row.
 */
final class GenerationPass {
  /** Rows handed to the engine at once: enough to fill its batches, few enough to stream. */
  private static final int CHUNK = 256;

  private GenerationPass() {}

  static Iterator<InternalRow> generate(int partitionIndex, Iterator<PlannedRow> input, RowRequests requests,
      DataType[] outputTypes, OperatorMetrics metrics) {
    List<PlannedRow> rows = new ArrayList<>();
    input.forEachRemaining(rows::add);
    rows.sort(Comparator.comparingInt(PlannedRow::unit).thenComparingInt(PlannedRow::group)
        .thenComparing(PlannedRow::requestId));
    UnsafeProjection project = UnsafeProjection.create(outputTypes);
    SharedEngine engine = rows.isEmpty() ? null : ExecutorEngines.get(requests.model());
    TaskUser user = TaskUser.current();
    return new Iterator<>() {
      private int next;
      private final List<InternalRow> ready = new ArrayList<>();
      private int readyAt;

      @Override
      public boolean hasNext() {
        return readyAt < ready.size() || next < rows.size();
      }

      @Override
      public InternalRow next() {
        if (readyAt == ready.size()) {
          if (next == rows.size()) {
            throw new NoSuchElementException();
          }
          ready.clear();
          readyAt = 0;
          int end = Math.min(rows.size(), next + CHUNK);
          runChunk(rows.subList(next, end));
          next = end;
        }
        return ready.get(readyAt++);
      }

      private void runChunk(List<PlannedRow> chunk) {
        List<GenerationRequest> batch = new ArrayList<>();
        for (PlannedRow row : chunk) {
          if (row.error() == null) {
            batch.add(GenerationRequest.ofTokens(row.requestId(), row.tokens(), row.options().samplingParams()));
          }
        }
        long start = System.nanoTime();
        // Rows travel to the engine and back as Arrow record batches: token ids in one buffer,
        // which a GPU backend copies to the device as they are.
        try (BufferAllocator allocator = ExecutorEngines.newTaskAllocator("llm_generate-" + partitionIndex);
             VectorSchemaRoot requestBatch = ArrowRequestWriter.write(batch, allocator);
             VectorSchemaRoot results = batch.isEmpty() ? null : engine.generate(requestBatch, allocator, user)) {
          metrics.add(OperatorMetrics.ENGINE_TIME, (System.nanoTime() - start) / 1_000_000);
          int at = 0;
          for (int i = 0; i < chunk.size(); i++) {
            PlannedRow row = chunk.get(i);
            InternalRow result;
            if (row.error() != null) {
              result = ResultSchema.error(row.promptTokens(), row.error());
            } else {
              result = ResultSchema.fromArrow(results, at++);
              metrics.add(OperatorMetrics.PROMPT_TOKENS, result.getInt(2));
              metrics.add(OperatorMetrics.GENERATED_TOKENS, result.getInt(3));
              metrics.add(OperatorMetrics.CACHED_TOKENS, result.getInt(4));
            }
            if (!result.isNullAt(5)) {
              if (row.options() != null && row.options().failOnError()) {
                throw new IllegalArgumentException("llm_generate failed on a row (on_error = 'fail'): "
                    + result.getUTF8String(5));
              }
              metrics.add(OperatorMetrics.ERRORS, 1);
            }
            metrics.add(OperatorMetrics.ROWS, 1);
            InternalRow joined = new JoinedRow(row.row(), new GenericInternalRow(new Object[] {result}));
            ready.add(project.apply(joined).copy());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("llm_generate task interrupted", e);
        }
      }
    };
  }
}
