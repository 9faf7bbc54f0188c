package dev.sparkllm.spark.expr;

import dev.sparkllm.spark.ScalaInterop;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Unevaluable;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * {@code llm_generate(prompt [, options])}. Like a Python UDF it cannot be evaluated row by row:
 * the optimizer rule {@link dev.sparkllm.spark.plan.ExtractLlmGenerate} moves it into its own
 * plan node, whose operator plans the whole input's shared prefixes before generating. Type and
 * constant options are checked during analysis. {@link Unevaluable} keeps Spark's optimizer from
 * evaluating it early (constant folding, local relations).
 */
public final class LlmGenerateExpression extends Expression implements Unevaluable, java.io.Serializable {
  private final Expression prompt;
  private final Expression options;

  /** Catalyst copies nodes through this constructor: its parameters are the product elements. */
  public LlmGenerateExpression(Expression prompt, Expression options) {
    this.prompt = Objects.requireNonNull(prompt);
    this.options = Objects.requireNonNull(options);
  }

  public static LlmGenerateExpression of(Seq<Expression> arguments) {
    List<Expression> args = ScalaInterop.list(arguments);
    if (args.isEmpty() || args.size() > 2) {
      throw dev.sparkllm.spark.LlmErrors.analysis("takes a prompt and optional options, got " + args.size()
          + " arguments");
    }
    return new LlmGenerateExpression(args.get(0), args.size() == 2 ? args.get(1) : Literal.create(null, DataTypes.NullType));
  }

  public Expression prompt() {
    return prompt;
  }

  public Expression options() {
    return options;
  }

  /** The prompt is a string, or chat messages: an array of structs with string role and content. */
  public static boolean isPromptType(DataType type) {
    if (type instanceof StringType) {
      return true;
    }
    if (type instanceof ArrayType array && array.elementType() instanceof StructType message) {
      List<String> names = List.of(message.fieldNames());
      return names.contains("role") && names.contains("content")
          && message.apply("role").dataType() instanceof StringType
          && message.apply("content").dataType() instanceof StringType;
    }
    return false;
  }

  @Override
  public TypeCheckResult checkInputDataTypes() {
    if (!isPromptType(prompt.dataType())) {
      return new TypeCheckResult.TypeCheckFailure("llm_generate: the prompt must be a string or an array of "
          + "struct<role: string, content: string>, got " + prompt.dataType().simpleString());
    }
    if (!OptionValues.isOptionsType(options.dataType())) {
      return new TypeCheckResult.TypeCheckFailure("llm_generate: options must be a struct (named_struct(...)) or a "
          + "map with string keys, got " + options.dataType().simpleString());
    }
    if (options.foldable()) {
      try {
        LlmOptions parsed = OptionValues.parse(options.eval(null), options.dataType());
        String modelKey = "spark.llm.model." + parsed.model() + ".path";
        if (SQLConf.get().getConfString(modelKey, null) == null) {
          return new TypeCheckResult.TypeCheckFailure("llm_generate: unknown model '" + parsed.model()
              + "'; configure its file with " + modelKey);
        }
      } catch (LlmOptions.InvalidOption e) {
        return new TypeCheckResult.TypeCheckFailure("llm_generate: " + e.getMessage());
      }
    }
    return TypeCheckResult.TypeCheckSuccess$.MODULE$;
  }

  @Override
  public Seq<Expression> children() {
    return ScalaInterop.seq(prompt, options);
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return new LlmGenerateExpression(newChildren.apply(0), newChildren.apply(1));
  }

  @Override
  public DataType dataType() {
    return ResultSchema.TYPE;
  }

  @Override
  public boolean nullable() {
    return false;
  }

  /** Sampling may be random, and a model call must never be duplicated or reordered by the optimizer. */
  @Override
  public boolean deterministic() {
    return false;
  }

  @Override
  public Object eval(InternalRow input) {
    throw new IllegalStateException("llm_generate runs in its own operator, not row by row; "
        + "the sparkllm SQL extension (dev.sparkllm.spark.LlmSparkExtensions) must be enabled");
  }

  @Override
  public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
    throw new IllegalStateException("llm_generate has no generated code: it runs in its own operator");
  }

  @Override
  public String prettyName() {
    return "llm_generate";
  }

  @Override
  public int productArity() {
    return 2;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> prompt;
      case 1 -> options;
      default -> throw new IndexOutOfBoundsException(n);
    };
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof LlmGenerateExpression;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LlmGenerateExpression other && prompt.equals(other.prompt) && options.equals(other.options);
  }

  @Override
  public int hashCode() {
    return Objects.hash(prompt, options);
  }
}
