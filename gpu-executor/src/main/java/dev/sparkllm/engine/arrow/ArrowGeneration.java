package dev.sparkllm.engine.arrow;

import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.runtime.GenerationResult;
import dev.sparkllm.engine.runtime.InferenceEngine;
import dev.sparkllm.engine.sampling.SamplingParams;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.util.List;

/** The engine's Arrow interface: a request record batch in, a result record batch out. */
public final class ArrowGeneration {
    private final InferenceEngine engine;
    private final SamplingParams defaults;

    public ArrowGeneration(InferenceEngine engine, SamplingParams defaults) {
        this.engine = engine;
        this.defaults = defaults;
    }

    /** Generates for every row of {@code requests}; the caller owns the returned root. */
    public VectorSchemaRoot generate(VectorSchemaRoot requests, BufferAllocator allocator) {
        List<GenerationRequest> rows = ArrowRequestReader.read(requests, defaults);
        List<GenerationResult> results = engine.generate(rows);
        return ArrowResultWriter.write(results, allocator);
    }
}
