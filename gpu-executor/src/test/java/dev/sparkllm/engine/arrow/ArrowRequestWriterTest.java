package dev.sparkllm.engine.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.sampling.SamplingParams;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class ArrowRequestWriterTest {
  @Test
  void tokenizedRequestsSurviveTheRoundTripThroughArrow() {
    List<GenerationRequest> requests = List.of(
        GenerationRequest.ofTokens("a", new int[] {1, 2, 3}, new SamplingParams(7, 0.5f, 40, 0.9f, 0.05f, 42L,
            List.of("\n\n", "é"), false)),
        GenerationRequest.ofTokens("b", new int[] {9}, SamplingParams.GREEDY));
    try (BufferAllocator allocator = new RootAllocator();
         VectorSchemaRoot root = ArrowRequestWriter.write(requests, allocator)) {
      List<GenerationRequest> read = ArrowRequestReader.read(root, SamplingParams.GREEDY.withMaxTokens(1));
      assertEquals(2, read.size());
      for (int i = 0; i < 2; i++) {
        assertEquals(requests.get(i).id(), read.get(i).id());
        assertArrayEquals(requests.get(i).promptTokens(), read.get(i).promptTokens());
        assertEquals(requests.get(i).params(), read.get(i).params());
      }
    }
  }

  @Test
  void aRequestWithoutTokensIsRefused() {
    try (BufferAllocator allocator = new RootAllocator()) {
      assertThrows(IllegalArgumentException.class, () -> ArrowRequestWriter.write(
          List.of(GenerationRequest.ofPrompt("p", "text", SamplingParams.GREEDY)), allocator));
    }
  }
}
