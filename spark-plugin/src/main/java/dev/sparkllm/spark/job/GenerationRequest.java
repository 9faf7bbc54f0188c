package dev.sparkllm.spark.job;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Turns rows of (id, prompt) into output rows by calling llm_generate with the job's options and
 * flattening its result struct. The function is called by name so the job goes through exactly
 * the path a SQL user takes (the session extension resolves it).
 */
final class GenerationRequest {
  static final String FUNCTION = "llm_generate";

  private GenerationRequest() {}

  /** The options struct: only the options the user gave, so llm_generate's defaults apply otherwise. */
  static Column optionsStruct(JobOptions o) {
    List<Column> fields = new ArrayList<>();
    fields.add(lit(o.model()).as("model"));
    o.maxTokens().ifPresent(v -> fields.add(lit(v).as("max_tokens")));
    o.temperature().ifPresent(v -> fields.add(lit(v).as("temperature")));
    o.topP().ifPresent(v -> fields.add(lit(v).as("top_p")));
    o.topK().ifPresent(v -> fields.add(lit(v).as("top_k")));
    o.minP().ifPresent(v -> fields.add(lit(v).as("min_p")));
    o.seed().ifPresent(v -> fields.add(lit(v).as("seed")));
    if (!o.stop().isEmpty()) {
      fields.add(functions.array(o.stop().stream().map(functions::lit).toArray(Column[]::new)).as("stop"));
    }
    o.system().ifPresent(v -> fields.add(lit(v).as("system")));
    o.chatTemplate().ifPresent(v -> fields.add(lit(v).as("chat_template")));
    o.parseSpecial().ifPresent(v -> fields.add(lit(v).as("parse_special")));
    o.logprobs().ifPresent(v -> fields.add(lit(v).as("logprobs")));
    fields.add(lit(o.onError()).as("on_error"));
    return struct(fields.toArray(Column[]::new));
  }

  /** The output rows for {@code rows}: id, prompt, the result fields (logprobs only when asked), model and generated_at. */
  static Dataset<Row> generate(Dataset<Row> rows, JobOptions o) {
    String id = SqlNames.quoted(o.idColumn());
    String prompt = SqlNames.quoted(o.promptColumn());
    Column result = call_function(FUNCTION, col(prompt), optionsStruct(o));
    List<Column> columns = new ArrayList<>();
    columns.add(col(id));
    columns.add(col(prompt));
    for (String field : OutputColumns.RESULT_FIELDS) {
      columns.add(col("_llm." + field).as(field));
    }
    if (o.logprobs().isPresent()) {
      columns.add(col("_llm." + OutputColumns.LOGPROBS).as(OutputColumns.LOGPROBS));
    }
    columns.add(lit(o.model()).as(OutputColumns.MODEL));
    columns.add(current_timestamp().as(OutputColumns.GENERATED_AT));
    return rows.select(col(id), col(prompt), result.as("_llm")).select(columns.toArray(Column[]::new));
  }
}
