package dev.sparkllm.spark.expr;

import dev.sparkllm.engine.arrow.ArrowLogprobs;
import dev.sparkllm.engine.arrow.RequestSchema;
import dev.sparkllm.engine.runtime.GenerationResult;
import dev.sparkllm.engine.sampling.TokenLogprob;
import java.util.List;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/** The struct {@code llm_generate} returns, and one result in that shape. */
public final class ResultSchema {
  /**
   * One alternative: {@code struct<token:string, id:int, logprob:float>}. Everything inside the
   * array is declared nullable although never null, because Delta refuses NOT NULL nested in an
   * array, and results are written to Delta tables.
   */
  private static final StructType ALTERNATIVE = new StructType(new StructField[] {
      DataTypes.createStructField("token", DataTypes.StringType, true),
      DataTypes.createStructField("id", DataTypes.IntegerType, true),
      DataTypes.createStructField("logprob", DataTypes.FloatType, true)});

  /**
   * {@code array<struct<token, id, logprob, top: array<struct<token, id, logprob>>>>}: one entry per
   * generated token, null when the call did not ask for logprobs (the engine's Arrow column, see
   * ArrowLogprobs).
   */
  public static final ArrayType LOGPROBS = DataTypes.createArrayType(
      ALTERNATIVE.add(DataTypes.createStructField("top", DataTypes.createArrayType(ALTERNATIVE, true), true)), true);

  public static final StructType TYPE = new StructType(new StructField[] {
      DataTypes.createStructField("text", DataTypes.StringType, true),
      DataTypes.createStructField("finish_reason", DataTypes.StringType, true),
      DataTypes.createStructField("prompt_tokens", DataTypes.IntegerType, false),
      DataTypes.createStructField("completion_tokens", DataTypes.IntegerType, false),
      DataTypes.createStructField("cached_tokens", DataTypes.IntegerType, false),
      DataTypes.createStructField("error", DataTypes.StringType, true),
      DataTypes.createStructField("logprobs", LOGPROBS, true)});

  private ResultSchema() {}

  public static InternalRow row(GenerationResult result) {
    return new GenericInternalRow(new Object[] {utf8(result.text()), utf8(result.finishReason()), result.promptTokens(),
        result.completionTokens(), result.cachedTokens(), utf8(result.error()),
        result.logprobs().isEmpty() ? null : logprobs(result.logprobs())});
  }

  /** Row {@code row} of an engine result batch (see the engine's {@code RequestSchema.resultSchema()}). */
  public static InternalRow fromArrow(VectorSchemaRoot results, int row) {
    return new GenericInternalRow(new Object[] {utf8(results, RequestSchema.TEXT, row),
        utf8(results, RequestSchema.FINISH_REASON, row),
        ((IntVector) results.getVector(RequestSchema.PROMPT_TOKENS)).get(row),
        ((IntVector) results.getVector(RequestSchema.COMPLETION_TOKENS)).get(row),
        ((IntVector) results.getVector(RequestSchema.CACHED_TOKENS)).get(row),
        utf8(results, RequestSchema.ERROR, row),
        logprobs(ArrowLogprobs.read((ListVector) results.getVector(RequestSchema.LOGPROBS), row))});
  }

  /** Entries as Spark's internal array of structs; null stays null (not asked). */
  private static ArrayData logprobs(List<TokenLogprob> entries) {
    if (entries == null) {
      return null;
    }
    Object[] out = new Object[entries.size()];
    for (int i = 0; i < out.length; i++) {
      TokenLogprob t = entries.get(i);
      Object[] top = new Object[t.top().size()];
      for (int k = 0; k < top.length; k++) {
        TokenLogprob a = t.top().get(k);
        top[k] = new GenericInternalRow(new Object[] {utf8(a.token()), a.id(), a.logprob()});
      }
      out[i] = new GenericInternalRow(new Object[] {utf8(t.token()), t.id(), t.logprob(), new GenericArrayData(top)});
    }
    return new GenericArrayData(out);
  }

  private static UTF8String utf8(VectorSchemaRoot root, String column, int row) {
    VarCharVector v = (VarCharVector) root.getVector(column);
    return v.isNull(row) ? null : UTF8String.fromBytes(v.get(row));
  }

  public static InternalRow error(int promptTokens, String error) {
    return new GenericInternalRow(new Object[] {null, utf8("error"), promptTokens, 0, 0, utf8(error), null});
  }

  private static UTF8String utf8(String s) {
    return s == null ? null : UTF8String.fromString(s);
  }
}
