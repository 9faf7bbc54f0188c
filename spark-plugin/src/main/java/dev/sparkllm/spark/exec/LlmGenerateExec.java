package dev.sparkllm.spark.exec;

import dev.sparkllm.planner.PrefixPlanner;
import dev.sparkllm.planner.plan.Plan;
import dev.sparkllm.planner.summary.PrefixSummary;
import dev.sparkllm.planner.summary.SharedPrefixes;
import dev.sparkllm.spark.ScalaInterop;
import dev.sparkllm.spark.expr.LlmGenerateExpression;
import dev.sparkllm.uwfq.partition.RuntimePartitioner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.Tuple2;

/**
 * The physical operator of one {@code llm_generate} call, in three steps:
 * <ol>
 *   <li><b>Summarize</b> (a Spark job): executors tokenize their rows (chat template applied)
 *       and build prefix summaries per shard; each shard is merged and compacted on an executor,
 *       so the driver receives only shared prefixes, never token ids.
 *   <li><b>Plan</b> (driver): groups, order and costs; the number of tasks comes from the cost
 *       model (runtime partitioning: about {@code spark.llm.task.targetSeconds} of engine work
 *       each). The plan is broadcast.
 *   <li><b>Generate</b>: every row is placed by the plan and moved once, to its partition; each
 *       task sorts its rows by the plan's order and streams them through the executor's shared
 *       engine.
 * </ol>
 * The child is computed twice (steps 1 and 3) instead of being cached: nothing is left pinned in
 * memory after the query, and a row placed differently in the second pass is still generated.
 */
public final class LlmGenerateExec extends SparkPlan {
  private final SparkPlan child;
  private final LlmGenerateExpression call;
  private final Attribute result;
  private final transient Map<String, SQLMetric> metrics;

  public LlmGenerateExec(SparkPlan child, LlmGenerateExpression call, Attribute result) {
    this.child = Objects.requireNonNull(child);
    this.call = Objects.requireNonNull(call);
    this.result = Objects.requireNonNull(result);
    this.metrics = new LinkedHashMap<>();
    if (session() != null) { // plans copied outside a session (tests, canonicalization) have no metrics
      var sc = sparkContext();
      for (String name : OperatorMetrics.NAMES) {
        metrics.put(name, SQLMetrics.createMetric(sc, name));
      }
      metrics.put(OperatorMetrics.ENGINE_TIME, SQLMetrics.createTimingMetric(sc, OperatorMetrics.ENGINE_TIME, -1));
    }
  }

  @Override
  public scala.collection.immutable.Map<String, SQLMetric> metrics() {
    return ScalaInterop.map(metrics);
  }

  @Override
  public RDD<InternalRow> doExecute() {
    LlmConf conf = LlmConf.from(SQLConf.get(), sparkContext().defaultParallelism());
    List<Attribute> input = ScalaInterop.list(child.output());
    Expression prompt = Binding.bind(call.prompt(), input);
    Expression options = Binding.bind(call.options(), input);
    RowRequests requests = new RowRequests(prompt, options, RowRequests.modelOf(options));
    OperatorMetrics counters = new OperatorMetrics(metrics);
    PrefixPlanner planner = new PrefixPlanner(conf.plannerConfig(), conf.costModel());

    JavaRDD<InternalRow> rows = child.execute().toJavaRDD();
    SharedPrefixes shared = summarize(rows, requests, conf);
    Plan plan = planner.planFromShared(shared, 1);
    // Runtime partitioning (UWFQ): tasks of about the target engine time, so another user's job
    // waits at most about one task for a core.
    int partitions = RuntimePartitioner.partitionCount(plan.totalCost().seconds(), conf.targetTaskSeconds(), 1,
        conf.maxPartitions());
    if (partitions > 1) {
      plan = planner.planFromShared(shared, partitions);
    }
    counters.recordPlan(plan);
    JobCostTag.tagNextJob(sparkContext(), plan.totalCost().seconds());
    Broadcast<Plan> broadcast = JavaSparkContext.fromSparkContext(sparkContext()).broadcast(plan);

    List<DataType> outputTypes = new ArrayList<>();
    for (Attribute a : ScalaInterop.list(output())) {
      outputTypes.add(a.dataType());
    }
    DataType[] types = outputTypes.toArray(new DataType[0]);
    DataType[] inputTypes = ScalaInterop.list(child.output()).stream().map(Attribute::dataType).toArray(DataType[]::new);
    return rows
        .mapPartitionsWithIndex((index, it) -> PlacementPass.place(index, it, requests, inputTypes, broadcast.value()),
            true)
        .mapPartitionsToPair(it -> {
          List<Tuple2<Integer, PlannedRow>> out = new ArrayList<>();
          it.forEachRemaining(p -> out.add(new Tuple2<>(p.partition(), p.row())));
          return out.iterator();
        })
        .partitionBy(new ExactPartitioner(plan.partitions()))
        .values()
        .mapPartitionsWithIndex((index, it) -> GenerationPass.generate(index, it, requests, types, counters), true)
        .rdd();
  }

  /** Step 1: per-shard summaries built on executors, merged and compacted there. */
  private static SharedPrefixes summarize(JavaRDD<InternalRow> rows, RowRequests requests, LlmConf conf) {
    int shards = conf.shards();
    List<SharedPrefixes> compacted = new ArrayList<>(rows
        .mapPartitionsWithIndex((index, it) -> SummaryPass.summarize(index, it, requests, conf), true)
        .mapToPair(summary -> new Tuple2<>(summary.shard(), summary.summary()))
        .reduceByKey(PrefixSummary::merge, shards)
        .map(pair -> pair._2().compact())
        .collect());
    // Every data partition emits every shard (most are empty), so all shards are here unless
    // the input has no partitions at all.
    if (compacted.isEmpty()) {
      for (int s = 0; s < shards; s++) {
        compacted.add(new PrefixSummary(conf.plannerConfig(), s, shards).compact());
      }
    }
    SharedPrefixes all = compacted.get(0);
    for (int i = 1; i < compacted.size(); i++) {
      all = all.union(compacted.get(i));
    }
    return all;
  }

  @Override
  public Seq<Attribute> output() {
    return CallOutput.output(child.output(), result);
  }

  @Override
  public AttributeSet producedAttributes() {
    return CallOutput.produced(result);
  }

  @Override
  public Seq<SparkPlan> children() {
    return ScalaInterop.seq(child);
  }

  @Override
  public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
    return new LlmGenerateExec(newChildren.apply(0), call, result);
  }

  @Override
  public int productArity() {
    return 3;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> child;
      case 1 -> call;
      case 2 -> result;
      default -> throw new IndexOutOfBoundsException(n);
    };
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof LlmGenerateExec;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LlmGenerateExec other && child.equals(other.child) && call.equals(other.call)
        && result.equals(other.result);
  }

  @Override
  public int hashCode() {
    return Objects.hash(child, call, result);
  }
}
