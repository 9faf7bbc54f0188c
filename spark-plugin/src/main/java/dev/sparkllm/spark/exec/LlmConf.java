package dev.sparkllm.spark.exec;

import dev.sparkllm.planner.PlannerConfig;
import dev.sparkllm.planner.cost.CostModel;
import dev.sparkllm.planner.cost.ModelShape;
import dev.sparkllm.planner.cost.Throughput;
import java.io.Serializable;
import org.apache.spark.sql.internal.SQLConf;

/**
 * The operator's settings, read from the session when a query runs.
 *
 * @param blockSize the engine's KV block size, the planner's alignment
 * @param targetTaskSeconds estimated engine time of one task (runtime partitioning): small enough
 *     that other users' jobs get cores soon, large enough to amortize a task
 * @param maxPartitions upper bound on the tasks of one call
 * @param shards summary shards merged in parallel before the driver sees them
 * @param costModel throughputs that turn tokens into seconds
 */
record LlmConf(int blockSize, double targetTaskSeconds, int maxPartitions, int shards, CostModel costModel)
    implements Serializable {

  static LlmConf from(SQLConf conf, int defaultParallelism) {
    int blockSize = Integer.parseInt(conf.getConfString("spark.llm.blockSize", String.valueOf(PlannerConfig.DEFAULT_BLOCK_SIZE)));
    double target = Double.parseDouble(conf.getConfString("spark.llm.task.targetSeconds", "2.0"));
    int maxPartitions = Integer.parseInt(conf.getConfString("spark.llm.task.maxPartitions",
        String.valueOf(Math.max(1, 4 * defaultParallelism))));
    int shards = Integer.parseInt(conf.getConfString("spark.llm.planner.shards",
        String.valueOf(Math.max(1, Math.min(64, defaultParallelism)))));
    Throughput measured = CostModel.SMOLLM2_CPU_2_THREADS.throughput();
    double prefill = Double.parseDouble(conf.getConfString("spark.llm.throughput.prefillTokensPerSecond",
        String.valueOf(measured.prefillTokensPerSecond())));
    double decode = Double.parseDouble(conf.getConfString("spark.llm.throughput.decodeTokensPerSecond",
        String.valueOf(measured.decodeTokensPerSecond())));
    if (!(target > 0) || maxPartitions < 1 || shards < 1) {
      throw new IllegalArgumentException("spark.llm.task.targetSeconds must be > 0 and spark.llm.task.maxPartitions, "
          + "spark.llm.planner.shards >= 1");
    }
    return new LlmConf(blockSize, target, maxPartitions, shards,
        new CostModel(ModelShape.SMOLLM2_135M, new Throughput(prefill, decode)));
  }

  PlannerConfig plannerConfig() {
    return PlannerConfig.withBlockSize(blockSize);
  }
}
