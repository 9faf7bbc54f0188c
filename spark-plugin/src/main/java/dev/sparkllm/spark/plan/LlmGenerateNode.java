package dev.sparkllm.spark.plan;

import dev.sparkllm.spark.ScalaInterop;
import dev.sparkllm.spark.exec.CallOutput;
import dev.sparkllm.spark.expr.LlmGenerateExpression;
import java.util.Objects;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * One {@code llm_generate} call pulled out of a projection: the child's rows plus one result
 * column. The counterpart of Spark's {@code ArrowEvalPython} node for Python UDFs.
 */
public final class LlmGenerateNode extends LogicalPlan implements java.io.Serializable {
  private final LogicalPlan child;
  private final LlmGenerateExpression call;
  private final Attribute result;

  public LlmGenerateNode(LogicalPlan child, LlmGenerateExpression call, Attribute result) {
    this.child = Objects.requireNonNull(child);
    this.call = Objects.requireNonNull(call);
    this.result = Objects.requireNonNull(result);
  }

  public LogicalPlan child() {
    return child;
  }

  public LlmGenerateExpression call() {
    return call;
  }

  public Attribute result() {
    return result;
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
  public Seq<LogicalPlan> children() {
    return ScalaInterop.seq(child);
  }

  @Override
  public LogicalPlan withNewChildrenInternal(IndexedSeq<LogicalPlan> newChildren) {
    return new LlmGenerateNode(newChildren.apply(0), call, result);
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
    return that instanceof LlmGenerateNode;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LlmGenerateNode other && child.equals(other.child) && call.equals(other.call)
        && result.equals(other.result);
  }

  @Override
  public int hashCode() {
    return Objects.hash(child, call, result);
  }
}
