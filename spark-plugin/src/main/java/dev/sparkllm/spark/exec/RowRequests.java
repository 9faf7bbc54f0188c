package dev.sparkllm.spark.exec;

import dev.sparkllm.engine.chat.ChatMessage;
import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.runtime.PromptPreparer;
import dev.sparkllm.spark.engine.SharedEngine;
import dev.sparkllm.spark.ScalaInterop;
import dev.sparkllm.spark.expr.LlmOptions;
import dev.sparkllm.spark.expr.OptionValues;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Nondeterministic;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Builds the engine request of one input row: evaluates the (bound) prompt and options
 * expressions, parses the options and picks the prompt form. Shipped to executors.
 */
final class RowRequests implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Expression prompt;
  private final Expression options;
  private final LlmOptions constantOptions;
  private final String model;

  /** A row's request, or why it has none (then {@code request} is null). */
  record Built(GenerationRequest request, LlmOptions options, String error) {}

  RowRequests(Expression boundPrompt, Expression boundOptions, String model) {
    this.prompt = boundPrompt;
    this.options = boundOptions;
    this.constantOptions = boundOptions.foldable() ? OptionValues.parse(boundOptions.eval(null), boundOptions.dataType())
        : null;
    this.model = model;
  }

  /** The model every row of the call uses: constant options name it, otherwise the default. */
  static String modelOf(Expression options) {
    return options.foldable() ? OptionValues.parse(options.eval(null), options.dataType()).model()
        : LlmOptions.DEFAULT_MODEL;
  }

  String model() {
    return model;
  }

  /** Nondeterministic parts of the expressions (rand() in a prompt) are seeded per partition. */
  void initialize(int partitionIndex) {
    for (Expression root : List.of(prompt, options)) {
      List<Expression> stack = new ArrayList<>(List.of(root));
      while (!stack.isEmpty()) {
        Expression e = stack.remove(stack.size() - 1);
        if (e instanceof Nondeterministic n) {
          n.initialize(partitionIndex);
        }
        stack.addAll(ScalaInterop.list(e.children()));
      }
    }
  }

  /** A row's prompt tokens (chat template applied) and options, or why it cannot run. */
  record Tokenized(LlmOptions options, int[] tokens, String error) {
    /** Tokens are sometimes known even for a failed row (a prompt too long for the context). */
    int promptTokens() {
      return tokens == null ? 0 : tokens.length;
    }
  }

  Tokenized tokenize(InternalRow row, String id, SharedEngine engine) {
    Built built = build(row, id);
    if (built.error() != null) {
      return new Tokenized(built.options(), null, built.error());
    }
    PromptPreparer.Prepared prepared = engine.prepare(built.request());
    return new Tokenized(built.options(), prepared.tokens(), prepared.error());
  }

  Built build(InternalRow row, String id) {
    LlmOptions o;
    try {
      o = constantOptions != null ? constantOptions : OptionValues.parse(options.eval(row), options.dataType());
    } catch (LlmOptions.InvalidOption e) {
      return new Built(null, null, "invalid options: " + e.getMessage());
    }
    if (!o.model().equals(model)) {
      return new Built(null, o, "model '" + o.model() + "' differs from this call's model '" + model
          + "'; choosing the model per row is not supported: use one llm_generate call per model");
    }
    Object value = prompt.eval(row);
    String text = null;
    List<ChatMessage> messages = null;
    if (value instanceof UTF8String s) {
      text = s.toString();
    } else if (value instanceof ArrayData array) {
      try {
        messages = messages(array, prompt.dataType());
      } catch (IllegalArgumentException e) {
        return new Built(null, o, "invalid messages: " + e.getMessage());
      }
    }
    return new Built(new GenerationRequest(id, text, messages, null, o.samplingParams(), o.chatTemplate(), o.system(),
        o.parseSpecial()),
        o, null);
  }

  private static List<ChatMessage> messages(ArrayData array, DataType type) {
    StructType message = (StructType) ((org.apache.spark.sql.types.ArrayType) type).elementType();
    int role = message.fieldIndex("role");
    int content = message.fieldIndex("content");
    List<ChatMessage> out = new ArrayList<>();
    for (int i = 0; i < array.numElements(); i++) {
      if (array.isNullAt(i)) {
        throw new IllegalArgumentException("message " + i + " is null");
      }
      InternalRow m = array.getStruct(i, message.fields().length);
      if (m.isNullAt(role)) {
        throw new IllegalArgumentException("message " + i + " has no role");
      }
      String r = m.getUTF8String(role).toString();
      String c = m.isNullAt(content) ? null : m.getUTF8String(content).toString();
      out.add(new ChatMessage(r, c));
    }
    return out;
  }
}
