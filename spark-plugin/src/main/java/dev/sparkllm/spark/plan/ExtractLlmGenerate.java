package dev.sparkllm.spark.plan;

import dev.sparkllm.spark.LlmErrors;
import dev.sparkllm.spark.ScalaInterop;
import dev.sparkllm.spark.expr.LlmGenerateExpression;
import dev.sparkllm.spark.expr.ResultSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.types.Metadata;
import scala.runtime.AbstractPartialFunction;

/**
 * Pulls every {@code llm_generate} out of a projection into an {@link LlmGenerateNode} below it
 * and puts a reference to the node's result column in its place, as Spark's
 * {@code ExtractPythonUDFs} does for Python UDFs. Several calls in one projection become a chain
 * of nodes, one per distinct call. A call anywhere else (a filter, a join condition, an
 * aggregate) is refused with a message saying how to write the query instead.
 */
public final class ExtractLlmGenerate extends Rule<LogicalPlan> {
  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    return plan.transformUp(new AbstractPartialFunction<LogicalPlan, LogicalPlan>() {
      @Override
      public boolean isDefinedAt(LogicalPlan node) {
        return !(node instanceof LlmGenerateNode) && containsCall(node.expressions());
      }

      @Override
      public <A1 extends LogicalPlan, B1> B1 applyOrElse(A1 node, scala.Function1<A1, B1> fallback) {
        if (!isDefinedAt(node)) {
          return fallback.apply(node);
        }
        if (!(node instanceof Project project)) {
          throw LlmErrors.analysis("can only be used in a SELECT list, not in " + node.nodeName()
              + "; compute it in a subquery and use the result column");
        }
        @SuppressWarnings("unchecked")
        B1 rewritten = (B1) extract(project);
        return rewritten;
      }
    });
  }

  private static boolean containsCall(scala.collection.Seq<Expression> expressions) {
    for (Expression e : ScalaInterop.list(expressions)) {
      if (!calls(e).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** The llm_generate calls in an expression, outermost first. */
  private static List<LlmGenerateExpression> calls(Expression e) {
    List<LlmGenerateExpression> found = new ArrayList<>();
    List<Expression> stack = new ArrayList<>();
    stack.add(e);
    while (!stack.isEmpty()) {
      Expression next = stack.remove(stack.size() - 1);
      if (next instanceof LlmGenerateExpression call) {
        found.add(call);
      }
      stack.addAll(ScalaInterop.list(next.children()));
    }
    return found;
  }

  private static LogicalPlan extract(Project project) {
    Map<LlmGenerateExpression, Attribute> results = new LinkedHashMap<>();
    for (NamedExpression e : ScalaInterop.list(project.projectList())) {
      for (LlmGenerateExpression call : calls((Expression) e)) {
        for (Expression argument : ScalaInterop.list(call.children())) {
          if (!calls(argument).isEmpty()) {
            throw LlmErrors.analysis("calls cannot be nested; generate the inner one in a subquery first");
          }
        }
        results.computeIfAbsent(call, c -> new AttributeReference("llm_generate", ResultSchema.TYPE, false,
            Metadata.empty(), NamedExpression$.MODULE$.newExprId(), ScalaInterop.seq()));
      }
    }
    LogicalPlan child = project.child();
    for (Map.Entry<LlmGenerateExpression, Attribute> entry : results.entrySet()) {
      child = new LlmGenerateNode(child, entry.getKey(), entry.getValue());
    }
    List<NamedExpression> projectList = new ArrayList<>();
    for (NamedExpression e : ScalaInterop.list(project.projectList())) {
      projectList.add((NamedExpression) replaceCalls((Expression) e, results));
    }
    return new Project(ScalaInterop.seq(projectList), child);
  }

  private static Expression replaceCalls(Expression e, Map<LlmGenerateExpression, Attribute> results) {
    return e.transformUp(new AbstractPartialFunction<Expression, Expression>() {
      @Override
      public boolean isDefinedAt(Expression x) {
        return x instanceof LlmGenerateExpression && results.containsKey(x);
      }

      @Override
      public <A1 extends Expression, B1> B1 applyOrElse(A1 x, scala.Function1<A1, B1> fallback) {
        if (!isDefinedAt(x)) {
          return fallback.apply(x);
        }
        @SuppressWarnings("unchecked")
        B1 attribute = (B1) results.get(x);
        return attribute;
      }
    });
  }

}
