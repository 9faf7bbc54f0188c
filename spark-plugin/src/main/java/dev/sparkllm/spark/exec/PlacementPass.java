package dev.sparkllm.spark.exec;

import dev.sparkllm.planner.hash.BlockHasher;
import dev.sparkllm.planner.plan.Assignment;
import dev.sparkllm.planner.plan.Plan;
import dev.sparkllm.spark.engine.ExecutorEngines;
import dev.sparkllm.spark.engine.SharedEngine;
import java.util.Iterator;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;

/** Step 3a on an executor: tokenize each row again and send it to the partition the plan chose. */
final class PlacementPass {
  private PlacementPass() {}

  record Placed(int partition, PlannedRow row) {}

  static Iterator<Placed> place(int partitionIndex, Iterator<InternalRow> rows, RowRequests requests,
      DataType[] inputTypes, Plan plan) {
    requests.initialize(partitionIndex);
    SharedEngine engine = ExecutorEngines.get(requests.model());
    UnsafeProjection toUnsafe = UnsafeProjection.create(inputTypes);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Placed next() {
        UnsafeRow row = toUnsafe.apply(rows.next()).copy();
        // The id depends only on the row, so a rerun places and seeds it the same way.
        String id = "row-" + Long.toHexString(BlockHasher.mix(row.hashCode() * 0x9E3779B97F4A7C15L + row.getSizeInBytes()));
        RowRequests.Tokenized t = requests.tokenize(row, id, engine);
        if (t.error() != null) {
          int spread = (int) Math.floor(BlockHasher.unitInterval(id) * plan.partitions());
          return new Placed(spread, new PlannedRow(row, id, t.options(), null, t.error(), t.promptTokens(), Integer.MAX_VALUE, -1));
        }
        int[] tokens = t.tokens();
        Assignment a = plan.assign(id, tokens, tokens.length);
        return new Placed(a.partition(), new PlannedRow(row, id, t.options(), tokens, null, tokens.length, a.unit(), a.groupId()));
      }
    };
  }
}
