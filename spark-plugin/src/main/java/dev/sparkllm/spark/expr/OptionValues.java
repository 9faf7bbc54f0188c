package dev.sparkllm.spark.expr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/** Turns the Catalyst value of an options struct or map into plain Java values for {@link LlmOptions}. */
public final class OptionValues {
  private OptionValues() {}

  /** Whether a value of this type can hold options. */
  public static boolean isOptionsType(DataType type) {
    return type instanceof NullType || type instanceof StructType
        || (type instanceof MapType m && m.keyType() instanceof StringType);
  }

  public static LlmOptions parse(Object value, DataType type) {
    return LlmOptions.parse(toJava(value, type));
  }

  static Map<String, Object> toJava(Object value, DataType type) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (value == null || type instanceof NullType) {
      return out;
    }
    if (type instanceof StructType struct) {
      InternalRow row = (InternalRow) value;
      StructField[] fields = struct.fields();
      for (int i = 0; i < fields.length; i++) {
        out.put(fields[i].name(), row.isNullAt(i) ? null : scalar(row.get(i, fields[i].dataType()), fields[i].dataType(),
            fields[i].name()));
      }
      return out;
    }
    MapType map = (MapType) type;
    MapData data = (MapData) value;
    ArrayData keys = data.keyArray();
    ArrayData values = data.valueArray();
    for (int i = 0; i < data.numElements(); i++) {
      String key = keys.get(i, map.keyType()).toString();
      out.put(key, values.isNullAt(i) ? null : scalar(values.get(i, map.valueType()), map.valueType(), key));
    }
    return out;
  }

  private static Object scalar(Object v, DataType type, String key) {
    if (v instanceof UTF8String s) {
      return s.toString();
    }
    if (type instanceof ArrayType array) {
      ArrayData data = (ArrayData) v;
      List<Object> items = new ArrayList<>();
      for (int i = 0; i < data.numElements(); i++) {
        items.add(data.isNullAt(i) ? null : scalar(data.get(i, array.elementType()), array.elementType(), key));
      }
      return items;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v;
    }
    if (v instanceof org.apache.spark.sql.types.Decimal d) {
      return d.toJavaBigDecimal(); // SQL literals like 0.7 are decimals
    }
    if (type.sameType(DataTypes.NullType)) {
      return null;
    }
    throw new LlmOptions.InvalidOption("option " + key + " has an unsupported type " + type.simpleString());
  }
}
