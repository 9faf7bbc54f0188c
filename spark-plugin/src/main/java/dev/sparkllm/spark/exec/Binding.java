package dev.sparkllm.spark.exec;

import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.runtime.AbstractPartialFunction;

/** Replaces column references by positions in the input row, so an expression can be evaluated on executors. */
final class Binding {
  private Binding() {}

  static Expression bind(Expression e, List<Attribute> input) {
    return e.transformUp(new AbstractPartialFunction<Expression, Expression>() {
      @Override
      public boolean isDefinedAt(Expression x) {
        return x instanceof AttributeReference;
      }

      @Override
      public <A1 extends Expression, B1> B1 applyOrElse(A1 x, scala.Function1<A1, B1> fallback) {
        if (!(x instanceof AttributeReference a)) {
          return fallback.apply(x);
        }
        for (int i = 0; i < input.size(); i++) {
          if (input.get(i).exprId().equals(a.exprId())) {
            @SuppressWarnings("unchecked")
            B1 bound = (B1) new BoundReference(i, a.dataType(), a.nullable());
            return bound;
          }
        }
        throw new IllegalStateException("column " + a + " is not in the operator's input " + input);
      }
    });
  }
}
