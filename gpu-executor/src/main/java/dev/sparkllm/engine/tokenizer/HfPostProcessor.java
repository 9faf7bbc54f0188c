package dev.sparkllm.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** BOS/EOS as a tokenizer.json's {@code TemplateProcessing} post-processor adds them around a single sequence. */
record HfPostProcessor(int bosId, int eosId, boolean addsBos, boolean addsEos) {
    static HfPostProcessor of(JsonNode postProcessor, HfVocabulary vocab) {
        List<JsonNode> processors = new ArrayList<>();
        HfTokenizerJson.collect(postProcessor, "processors", processors);
        for (JsonNode p : processors) {
            if ("TemplateProcessing".equals(HfTokenizerJson.type(p)) && p.path("single").size() > 0) {
                JsonNode single = p.get("single");
                int first = specialId(single.get(0), p, vocab);
                int last = single.size() > 1 ? specialId(single.get(single.size() - 1), p, vocab) : -1;
                return new HfPostProcessor(first, last, first >= 0, last >= 0);
            }
        }
        return new HfPostProcessor(-1, -1, false, false);
    }

    private static int specialId(JsonNode piece, JsonNode processor, HfVocabulary vocab) {
        JsonNode special = piece.get("SpecialToken");
        if (special == null) {
            return -1;
        }
        String name = special.path("id").asText();
        JsonNode ids = processor.path("special_tokens").path(name).path("ids");
        return ids.size() > 0 ? ids.get(0).asInt() : vocab.id(name);
    }
}
