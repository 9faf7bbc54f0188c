package dev.sparkllm.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Token strings by id from a tokenizer.json's model vocabulary plus its added tokens, with GGUF
 * token types: special added tokens are control tokens, other added tokens user-defined.
 */
final class HfVocabulary {
    private final String[] tokens;
    private final int[] addedTypes;
    private final Map<String, Integer> ids = new HashMap<>();

    HfVocabulary(JsonNode vocab, JsonNode addedTokens) {
        int size = 0;
        for (JsonNode id : vocab) {
            size = Math.max(size, id.asInt() + 1);
        }
        for (JsonNode added : addedTokens) {
            size = Math.max(size, added.path("id").asInt() + 1);
        }
        tokens = new String[size];
        addedTypes = new int[size];
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            tokens[entry.getValue().asInt()] = entry.getKey();
        }
        for (JsonNode added : addedTokens) {
            int id = added.path("id").asInt();
            tokens[id] = added.path("content").asText();
            addedTypes[id] = added.path("special").asBoolean(false) ? TokenType.CONTROL : TokenType.USER_DEFINED;
        }
        for (int id = 0; id < size; id++) {
            if (tokens[id] == null) {
                tokens[id] = "[PAD" + id + "]"; // a hole in the ids: never produced from text
                addedTypes[id] = TokenType.UNUSED;
            }
            ids.put(tokens[id], id); // the last id of a repeated string, as in Vocabulary
        }
    }

    String[] tokens() {
        return tokens.clone();
    }

    int id(String token) {
        Integer id = token == null ? null : ids.get(token);
        return id == null ? -1 : id;
    }

    /**
     * GGUF token types: added tokens keep their type, the model's unknown token (when not an added
     * token) is unknown, and in a SentencePiece-style vocabulary {@code <0xNN>} are byte tokens.
     */
    int[] types(boolean byteLevel, int unknownId) {
        int[] types = new int[tokens.length];
        for (int id = 0; id < tokens.length; id++) {
            if (addedTypes[id] != 0) {
                types[id] = addedTypes[id];
            } else if (id == unknownId) {
                types[id] = TokenType.UNKNOWN;
            } else if (!byteLevel && tokens[id].length() == 6 && tokens[id].startsWith("<0x") && tokens[id].endsWith(">")) {
                types[id] = TokenType.BYTE;
            } else {
                types[id] = TokenType.NORMAL;
            }
        }
        return types;
    }
}
