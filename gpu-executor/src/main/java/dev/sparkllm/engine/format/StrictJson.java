package dev.sparkllm.engine.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;

/**
 * Streaming JSON reading shared by the safetensors parsers. Streaming rather than a tree keeps the
 * heap proportional to what is kept (tensor entries), not to the header's size: a tree of a
 * hostile 100 MB header of empty arrays would take gigabytes. Duplicate keys are rejected because
 * two entries for one tensor leave its location ambiguous. Jackson's default limits bound nesting
 * depth and token sizes.
 */
final class StrictJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private StrictJson() {
    }

    static JsonParser parser(byte[] json) throws IOException {
        return FACTORY.createParser(json);
    }

    /** A ModelFormatException for a JSON syntax error, with its byte offset in the file. */
    static ModelFormatException syntaxError(String source, String what, JsonProcessingException e, long fileOffsetOfJson) {
        JsonLocation loc = e.getLocation();
        String at = loc == null || loc.getByteOffset() < 0 ? "" : " at offset " + (fileOffsetOfJson + loc.getByteOffset());
        return new ModelFormatException(source, "invalid JSON in " + what + at + ": " + e.getOriginalMessage(), e);
    }

    /** Offset in the file of the token the parser is on. */
    static long offset(JsonParser p, long fileOffsetOfJson) {
        return fileOffsetOfJson + Math.max(0, p.currentTokenLocation().getByteOffset());
    }

    static String describe(JsonToken t) {
        if (t == null) return "end of input";
        switch (t) {
            case START_OBJECT: return "an object";
            case START_ARRAY: return "an array";
            case VALUE_STRING: return "a string";
            case VALUE_NUMBER_INT: return "an integer";
            case VALUE_NUMBER_FLOAT: return "a float";
            case VALUE_TRUE: case VALUE_FALSE: return "a boolean";
            case VALUE_NULL: return "null";
            default: return t.toString();
        }
    }
}
