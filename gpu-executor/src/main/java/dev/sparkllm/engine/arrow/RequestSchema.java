package dev.sparkllm.engine.arrow;

import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.List;

/**
 * Column names of request and result batches. A request batch needs {@code id} and one of
 * {@code prompt} / {@code token_ids}; every sampling column is optional and a null cell means
 * "use the default".
 */
public final class RequestSchema {
    public static final String ID = "id";
    public static final String PROMPT = "prompt";
    public static final String TOKEN_IDS = "token_ids";
    public static final String MAX_TOKENS = "max_tokens";
    public static final String TEMPERATURE = "temperature";
    public static final String TOP_P = "top_p";
    public static final String TOP_K = "top_k";
    public static final String MIN_P = "min_p";
    public static final String SEED = "seed";
    public static final String STOP = "stop";
    public static final String CHAT = "chat";
    public static final String SYSTEM = "system";
    public static final String PARSE_SPECIAL = "parse_special";
    /** Request: -1/null off, 0 the sampled token's logprob, 1..20 alternatives too. Result: see {@link ArrowLogprobs}. */
    public static final String LOGPROBS = "logprobs";

    public static final String TEXT = "text";
    public static final String FINISH_REASON = "finish_reason";
    public static final String PROMPT_TOKENS = "prompt_tokens";
    public static final String COMPLETION_TOKENS = "completion_tokens";
    public static final String CACHED_TOKENS = "cached_tokens";
    public static final String ERROR = "error";

    private RequestSchema() {}

    /**
     * The result batch schema: id, text, token_ids, finish_reason, prompt_tokens, completion_tokens,
     * cached_tokens, error, logprobs (null unless the request asked; see {@link ArrowLogprobs}).
     */
    public static Schema resultSchema() {
        return new Schema(List.of(
                Field.notNullable(ID, ArrowType.Utf8.INSTANCE),
                Field.nullable(TEXT, ArrowType.Utf8.INSTANCE),
                intList(TOKEN_IDS),
                Field.notNullable(FINISH_REASON, ArrowType.Utf8.INSTANCE),
                Field.notNullable(PROMPT_TOKENS, new ArrowType.Int(32, true)),
                Field.notNullable(COMPLETION_TOKENS, new ArrowType.Int(32, true)),
                Field.notNullable(CACHED_TOKENS, new ArrowType.Int(32, true)),
                Field.nullable(ERROR, ArrowType.Utf8.INSTANCE),
                ArrowLogprobs.field(LOGPROBS)));
    }

    /** A request schema with every column, for callers that build request batches. */
    public static Schema requestSchema() {
        return new Schema(List.of(
                Field.notNullable(ID, ArrowType.Utf8.INSTANCE),
                Field.nullable(PROMPT, ArrowType.Utf8.INSTANCE),
                intList(TOKEN_IDS),
                Field.nullable(MAX_TOKENS, new ArrowType.Int(32, true)),
                Field.nullable(TEMPERATURE, new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
                Field.nullable(TOP_P, new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
                Field.nullable(TOP_K, new ArrowType.Int(32, true)),
                Field.nullable(MIN_P, new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
                Field.nullable(SEED, new ArrowType.Int(64, true)),
                new Field(STOP, FieldType.nullable(ArrowType.List.INSTANCE),
                        List.of(Field.nullable("item", ArrowType.Utf8.INSTANCE))),
                Field.nullable(CHAT, ArrowType.Bool.INSTANCE),
                Field.nullable(SYSTEM, ArrowType.Utf8.INSTANCE),
                Field.nullable(PARSE_SPECIAL, ArrowType.Bool.INSTANCE),
                Field.nullable(LOGPROBS, new ArrowType.Int(32, true))));
    }

    private static Field intList(String name) {
        return new Field(name, FieldType.nullable(ArrowType.List.INSTANCE),
                List.of(Field.notNullable("item", new ArrowType.Int(32, true))));
    }
}
