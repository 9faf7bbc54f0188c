package dev.sparkllm.spark;

import dev.sparkllm.spark.expr.LlmGenerateExpression;
import dev.sparkllm.spark.plan.ExtractLlmGenerate;
import dev.sparkllm.spark.plan.LlmGenerateStrategy;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.Tuple3;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Enables {@code llm_generate} in a Spark session: {@code spark.sql.extensions=
 * dev.sparkllm.spark.LlmSparkExtensions}. Registers the function, the optimizer rule that gives
 * each call its own plan node, and the strategy that plans that node.
 */
public final class LlmSparkExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
  static final String USAGE = "llm_generate(prompt [, options]) - generates text for each row's prompt (a string, or "
      + "an array of struct<role, content> chat messages) with the model named in options (spark.llm.model.<name>.path)."
      + " Options (a named_struct or a map): model, max_tokens, temperature, top_p, top_k, min_p, seed, stop, system, "
      + "chat_template, on_error ('null' or 'fail'). Returns struct<text, finish_reason, prompt_tokens, "
      + "completion_tokens, cached_tokens, error>.";

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    ExpressionInfo info = new ExpressionInfo(LlmGenerateExpression.class.getName(), null, "llm_generate", USAGE,
        "", "", "", "misc_funcs", "0.1.0", "", "built-in");
    extensions.injectFunction(new Tuple3<>(FunctionIdentifier.apply("llm_generate"), info,
        new AbstractFunction1<scala.collection.immutable.Seq<org.apache.spark.sql.catalyst.expressions.Expression>,
            org.apache.spark.sql.catalyst.expressions.Expression>() {
          @Override
          public org.apache.spark.sql.catalyst.expressions.Expression apply(
              scala.collection.immutable.Seq<org.apache.spark.sql.catalyst.expressions.Expression> arguments) {
            return LlmGenerateExpression.of(arguments);
          }
        }));
    extensions.injectOptimizerRule(new AbstractFunction1<>() {
      @Override
      public ExtractLlmGenerate apply(org.apache.spark.sql.SparkSession session) {
        return new ExtractLlmGenerate();
      }
    });
    extensions.injectPlannerStrategy(new AbstractFunction1<>() {
      @Override
      public LlmGenerateStrategy apply(org.apache.spark.sql.SparkSession session) {
        return new LlmGenerateStrategy();
      }
    });
    return BoxedUnit.UNIT;
  }
}
