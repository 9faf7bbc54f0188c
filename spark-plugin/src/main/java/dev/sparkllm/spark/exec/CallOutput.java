package dev.sparkllm.spark.exec;

import dev.sparkllm.spark.ScalaInterop;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import scala.collection.immutable.Seq;

/** The output of an llm_generate node, logical or physical: the input's columns plus the result column. */
public final class CallOutput {
  private CallOutput() {}

  public static Seq<Attribute> output(Seq<Attribute> input, Attribute result) {
    List<Attribute> out = new ArrayList<>(ScalaInterop.list(input));
    out.add(result);
    return ScalaInterop.seq(out);
  }

  /** The result column is made by the node, not read from its child. */
  public static AttributeSet produced(Attribute result) {
    return AttributeSet.fromAttributeSets(ScalaInterop.seq(AttributeSet.apply(result)));
  }
}
