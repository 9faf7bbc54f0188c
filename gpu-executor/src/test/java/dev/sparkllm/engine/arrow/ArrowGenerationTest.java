package dev.sparkllm.engine.arrow;

import dev.sparkllm.engine.runtime.EngineOptions;
import dev.sparkllm.engine.runtime.InferenceEngine;
import dev.sparkllm.engine.sampling.SamplingParams;
import dev.sparkllm.engine.testutil.TestModels;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real Arrow request batch through the engine: prompts, token ids, per-row options, bad rows. */
class ArrowGenerationTest {

    @Test
    void requestBatchInResultBatchOut() {
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot requests = VectorSchemaRoot.create(RequestSchema.requestSchema(), allocator);
             InferenceEngine engine = InferenceEngine.cpu(TestModels.smolLm2(), new EngineOptions(4, 256, 1024))) {
            requests.allocateNew();
            VarCharVector id = (VarCharVector) requests.getVector(RequestSchema.ID);
            VarCharVector prompt = (VarCharVector) requests.getVector(RequestSchema.PROMPT);
            ListVector tokenIds = (ListVector) requests.getVector(RequestSchema.TOKEN_IDS);
            IntVector maxTokens = (IntVector) requests.getVector(RequestSchema.MAX_TOKENS);
            FloatingPointVector temperature = (FloatingPointVector) requests.getVector(RequestSchema.TEMPERATURE);
            String[] ids = {"text", "tokens", "bad-temp", "null-prompt"};
            for (int i = 0; i < ids.length; i++) id.setSafe(i, ids[i].getBytes(StandardCharsets.UTF_8));
            prompt.setSafe(0, "Name a color.".getBytes(StandardCharsets.UTF_8));
            prompt.setNull(1);
            prompt.setSafe(2, "Hi".getBytes(StandardCharsets.UTF_8));
            prompt.setNull(3);
            UnionListWriter w = tokenIds.getWriter();
            w.setPosition(1);
            w.startList();
            for (int t : TestModels.smolLm2().tokenizer().encode("The sky is", false, false)) w.integer().writeInt(t);
            w.endList();
            maxTokens.setSafe(0, 6);
            maxTokens.setSafe(1, 4);
            maxTokens.setNull(2);
            maxTokens.setNull(3);
            temperature.setWithPossibleTruncate(2, -2.0);
            requests.setRowCount(4);

            ArrowGeneration generation = new ArrowGeneration(engine, SamplingParams.GREEDY.withMaxTokens(8));
            try (VectorSchemaRoot results = generation.generate(requests, allocator)) {
                assertEquals(RequestSchema.resultSchema(), results.getSchema());
                assertEquals(4, results.getRowCount());
                VarCharVector text = (VarCharVector) results.getVector(RequestSchema.TEXT);
                VarCharVector error = (VarCharVector) results.getVector(RequestSchema.ERROR);
                IntVector completion = (IntVector) results.getVector(RequestSchema.COMPLETION_TOKENS);
                ListVector outTokens = (ListVector) results.getVector(RequestSchema.TOKEN_IDS);
                assertTrue(error.isNull(0), () -> new String(error.get(0)));
                assertTrue(error.isNull(1));
                assertFalse(new String(text.get(0), StandardCharsets.UTF_8).isEmpty());
                assertTrue(completion.get(0) <= 6 && completion.get(0) > 0);
                assertEquals(4, completion.get(1), "plain token prompt generates exactly max_tokens=4 unless EOS");
                assertEquals(completion.get(1), ((List<?>) outTokens.getObject(1)).size());
                assertTrue(new String(error.get(2), StandardCharsets.UTF_8).contains("temperature"));
                assertEquals("prompt is null", new String(error.get(3), StandardCharsets.UTF_8));
                assertEquals("error", new String(((VarCharVector) results.getVector(RequestSchema.FINISH_REASON)).get(3)));
            }
        }
    }
}
