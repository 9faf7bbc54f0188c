package dev.sparkllm.engine.arrow;

import dev.sparkllm.engine.runtime.EngineOptions;
import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.runtime.GenerationResult;
import dev.sparkllm.engine.runtime.InferenceEngine;
import dev.sparkllm.engine.sampling.SamplingParams;
import dev.sparkllm.engine.sampling.TokenLogprob;
import dev.sparkllm.engine.testutil.TestModels;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The logprobs request and result columns through real Arrow buffers (IPC bytes, not just vectors). */
class ArrowLogprobsTest {

    private static TokenLogprob alt(String token, int id, float logprob) {
        return new TokenLogprob(token, id, logprob, List.of());
    }

    /** Writes the root as an Arrow stream and reads it back, so only the bytes carry the data. */
    private static <T> T roundTrip(VectorSchemaRoot root, BufferAllocator allocator,
                                   java.util.function.Function<VectorSchemaRoot, T> read) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, bytes)) {
            writer.start();
            writer.writeBatch();
            writer.end();
        }
        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(bytes.toByteArray()), allocator)) {
            assertTrue(reader.loadNextBatch());
            return read.apply(reader.getVectorSchemaRoot());
        }
    }

    @Test
    void resultColumnRoundTripsEntriesAlternativesAndNulls() throws IOException {
        List<TokenLogprob> asked = List.of(
                new TokenLogprob("Hello", 9906, -0.25f, List.of(alt("Hello", 9906, -0.25f), alt("Hi", 13347, -1.5f))),
                new TokenLogprob("\uFFFD", 226, -3.0f, List.of()),
                new TokenLogprob(null, 2, Float.NEGATIVE_INFINITY, List.of(alt(null, 7, -0.01f))));
        List<GenerationResult> results = List.of(
                new GenerationResult("a", "Hello", new int[] {9906, 226, 2}, "stop", 5, 3, 0, null, asked),
                new GenerationResult("b", "x", new int[] {1}, "length", 5, 1, 0, null),
                GenerationResult.failed("c", 0, "prompt is null"));
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot root = ArrowResultWriter.write(results, allocator)) {
            assertEquals(RequestSchema.resultSchema(), root.getSchema());
            List<List<TokenLogprob>> back = roundTrip(root, allocator, r -> {
                ListVector column = (ListVector) r.getVector(RequestSchema.LOGPROBS);
                return java.util.Arrays.asList(ArrowLogprobs.read(column, 0), ArrowLogprobs.read(column, 1),
                        ArrowLogprobs.read(column, 2));
            });
            assertEquals(asked, back.get(0));
            assertNull(back.get(1), "not asked: a null cell");
            assertNull(back.get(2), "a failed row: a null cell");
        }
    }

    @Test
    void requestColumnRoundTripsAndTheEngineFillsTheResultColumn() throws IOException {
        SamplingParams greedy = SamplingParams.GREEDY.withMaxTokens(4);
        int[] prompt = TestModels.smolLm2().tokenizer().encode("The sky is", false, false);
        List<GenerationRequest> requests = List.of(
                GenerationRequest.ofTokens("two", prompt, greedy.withLogprobs(2)),
                GenerationRequest.ofTokens("off", prompt, greedy),
                GenerationRequest.ofTokens("bad", prompt, greedy.withLogprobs(21)));
        try (BufferAllocator allocator = new RootAllocator();
             VectorSchemaRoot written = ArrowRequestWriter.write(requests, allocator);
             InferenceEngine engine = InferenceEngine.cpu(TestModels.smolLm2(), new EngineOptions(4, 256, 1024))) {
            List<GenerationRequest> read = roundTrip(written, allocator, r -> ArrowRequestReader.read(r, SamplingParams.GREEDY));
            assertEquals(List.of(2, -1, 21), read.stream().map(r -> r.params().logprobs()).toList());
            assertTrue(((IntVector) written.getVector(RequestSchema.LOGPROBS)).isNull(1), "off is a null cell");

            try (VectorSchemaRoot requestBatch = ArrowRequestWriter.write(read, allocator);
                 VectorSchemaRoot results = new ArrowGeneration(engine, SamplingParams.GREEDY).generate(requestBatch, allocator)) {
                ListVector column = (ListVector) results.getVector(RequestSchema.LOGPROBS);
                ListVector tokens = (ListVector) results.getVector(RequestSchema.TOKEN_IDS);
                List<TokenLogprob> two = ArrowLogprobs.read(column, 0);
                List<?> ids = (List<?>) tokens.getObject(0);
                assertEquals(ids.size(), two.size());
                for (int i = 0; i < two.size(); i++) {
                    assertEquals(ids.get(i), two.get(i).id());
                    assertEquals(2, two.get(i).top().size());
                    assertEquals(two.get(i).id(), two.get(i).top().get(0).id(), "greedy: the sampled token is the best");
                    assertTrue(two.get(i).logprob() <= 0f);
                }
                assertNull(ArrowLogprobs.read(column, 1));
                assertNull(ArrowLogprobs.read(column, 2));
                String error = new String(((VarCharVector) results.getVector(RequestSchema.ERROR)).get(2), StandardCharsets.UTF_8);
                assertTrue(error.contains("logprobs must be"), error);
            }
        }
    }
}
