package dev.sparkllm.spark.plan;

import dev.sparkllm.spark.ScalaInterop;
import dev.sparkllm.spark.exec.LlmGenerateExec;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import scala.collection.immutable.Seq;

/** Plans an {@link LlmGenerateNode} as an {@link LlmGenerateExec}. */
public final class LlmGenerateStrategy extends SparkStrategy {
  @Override
  public Seq<SparkPlan> apply(LogicalPlan plan) {
    if (plan instanceof LlmGenerateNode node) {
      return ScalaInterop.seq(new LlmGenerateExec(planLater(node.child()), node.call(), node.result()));
    }
    return ScalaInterop.seq();
  }
}
