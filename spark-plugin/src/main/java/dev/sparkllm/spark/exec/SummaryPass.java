package dev.sparkllm.spark.exec;

import dev.sparkllm.planner.PlannerConfig;
import dev.sparkllm.planner.PrefixPlanner;
import dev.sparkllm.planner.hash.BlockHasher;
import dev.sparkllm.planner.summary.PrefixSummary;
import dev.sparkllm.spark.engine.ExecutorEngines;
import dev.sparkllm.spark.engine.SharedEngine;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;

/** Step 1 on an executor: tokenize a partition's rows and summarize their prefixes per shard. */
final class SummaryPass {
  private SummaryPass() {}

  record ShardSummary(int shard, PrefixSummary summary) implements Serializable {}

  static Iterator<ShardSummary> summarize(int partitionIndex, Iterator<InternalRow> rows, RowRequests requests,
      LlmConf conf) {
    requests.initialize(partitionIndex);
    SharedEngine engine = ExecutorEngines.get(requests.model());
    PlannerConfig config = conf.plannerConfig();
    BlockHasher hasher = new BlockHasher(config.blockSize(), config.hashSeed());
    int shards = conf.shards();
    PrefixSummary[] byShard = new PrefixSummary[shards];
    for (int s = 0; s < shards; s++) {
      byShard[s] = new PrefixSummary(config, s, shards);
    }
    String user = user();
    while (rows.hasNext()) {
      InternalRow row = rows.next();
      RowRequests.Tokenized t = requests.tokenize(row, "summary", engine);
      if (t.error() != null) {
        if (t.options() != null && t.options().failOnError()) {
          throw new IllegalArgumentException("llm_generate failed on a row (on_error = 'fail'): " + t.error());
        }
        continue; // errors are placed and reported in the generation step
      }
      int[] tokens = t.tokens();
      long decode = PrefixPlanner.decodeEstimate(config, t.options().maxTokens(), -1, user);
      byShard[PrefixSummary.shardOf(hasher, tokens, tokens.length, shards)].add(tokens, tokens.length, decode);
    }
    List<ShardSummary> out = new ArrayList<>(shards);
    for (int s = 0; s < shards; s++) {
      out.add(new ShardSummary(s, byShard[s]));
    }
    return out.iterator();
  }

  static String user() {
    TaskContext task = TaskContext.get();
    String user = task == null ? null : task.getLocalProperty("spark.llm.user");
    return user == null ? "default" : user;
  }
}
