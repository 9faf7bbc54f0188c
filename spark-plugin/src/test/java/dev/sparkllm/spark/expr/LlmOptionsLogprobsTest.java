package dev.sparkllm.spark.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The logprobs option through the one options parser, without a SparkSession: its range and its type. */
class LlmOptionsLogprobsTest {

  private static LlmOptions parse(Object logprobs) {
    Map<String, Object> values = new HashMap<>();
    values.put("logprobs", logprobs);
    return LlmOptions.parse(values);
  }

  @Test
  void absentOrNullIsOffAndTheRangeIsMinusOneToTwenty() {
    assertEquals(-1, LlmOptions.parse(Map.of()).samplingParams().logprobs());
    assertEquals(-1, parse(null).logprobs());
    assertEquals(-1, parse(-1).logprobs());
    assertEquals(0, parse(0).samplingParams().logprobs());
    assertEquals(20, parse(20L).samplingParams().logprobs());
    assertEquals(3, parse((short) 3).logprobs());
    assertEquals(3, parse("3").logprobs(), "a string holding an integer, like the other integer options");
  }

  @Test
  void outOfRangeAndNonIntegerValuesNameTheOption() {
    for (Object bad : new Object[] {-2, 21, Long.MAX_VALUE, 1.5, new BigDecimal("2.5"), "three", true}) {
      LlmOptions.InvalidOption e = assertThrows(LlmOptions.InvalidOption.class, () -> parse(bad), String.valueOf(bad));
      assertTrue(e.getMessage().startsWith("logprobs "), bad + ": " + e.getMessage());
    }
  }
}
