package dev.sparkllm.spark.expr;

import dev.sparkllm.engine.arrow.RequestSchema;
import dev.sparkllm.engine.runtime.GenerationResult;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/** The struct {@code llm_generate} returns, and one result in that shape. */
public final class ResultSchema {
  public static final StructType TYPE = new StructType(new StructField[] {
      DataTypes.createStructField("text", DataTypes.StringType, true),
      DataTypes.createStructField("finish_reason", DataTypes.StringType, true),
      DataTypes.createStructField("prompt_tokens", DataTypes.IntegerType, false),
      DataTypes.createStructField("completion_tokens", DataTypes.IntegerType, false),
      DataTypes.createStructField("cached_tokens", DataTypes.IntegerType, false),
      DataTypes.createStructField("error", DataTypes.StringType, true)});

  private ResultSchema() {}

  public static InternalRow row(GenerationResult result) {
    return new GenericInternalRow(new Object[] {utf8(result.text()), utf8(result.finishReason()), result.promptTokens(),
        result.completionTokens(), result.cachedTokens(), utf8(result.error())});
  }

  /** Row {@code row} of an engine result batch (see the engine's {@code RequestSchema.resultSchema()}). */
  public static InternalRow fromArrow(VectorSchemaRoot results, int row) {
    return new GenericInternalRow(new Object[] {utf8(results, RequestSchema.TEXT, row),
        utf8(results, RequestSchema.FINISH_REASON, row),
        ((IntVector) results.getVector(RequestSchema.PROMPT_TOKENS)).get(row),
        ((IntVector) results.getVector(RequestSchema.COMPLETION_TOKENS)).get(row),
        ((IntVector) results.getVector(RequestSchema.CACHED_TOKENS)).get(row),
        utf8(results, RequestSchema.ERROR, row)});
  }

  private static UTF8String utf8(VectorSchemaRoot root, String column, int row) {
    VarCharVector v = (VarCharVector) root.getVector(column);
    return v.isNull(row) ? null : UTF8String.fromBytes(v.get(row));
  }

  public static InternalRow error(int promptTokens, String error) {
    return new GenericInternalRow(new Object[] {null, utf8("error"), promptTokens, 0, 0, utf8(error)});
  }

  private static UTF8String utf8(String s) {
    return s == null ? null : UTF8String.fromString(s);
  }
}
