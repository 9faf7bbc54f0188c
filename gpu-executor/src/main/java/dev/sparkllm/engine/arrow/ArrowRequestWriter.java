package dev.sparkllm.engine.arrow;

import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.sampling.SamplingParams;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;

/**
 * Writes already tokenized requests into a request record batch (token ids and every sampling
 * column; see {@link RequestSchema#requestSchema()}): how a caller that tokenized on its own,
 * like the Spark operator, hands a batch to the engine.
 */
public final class ArrowRequestWriter {
    private ArrowRequestWriter() {}

    /** The caller owns (and must close) the returned root. Every request must carry prompt tokens. */
    public static VectorSchemaRoot write(List<GenerationRequest> requests, BufferAllocator allocator) {
        VectorSchemaRoot root = VectorSchemaRoot.create(RequestSchema.requestSchema(), allocator);
        try {
            root.allocateNew();
            VarCharVector id = (VarCharVector) root.getVector(RequestSchema.ID);
            ListVector tokens = (ListVector) root.getVector(RequestSchema.TOKEN_IDS);
            IntVector maxTokens = (IntVector) root.getVector(RequestSchema.MAX_TOKENS);
            Float4Vector temperature = (Float4Vector) root.getVector(RequestSchema.TEMPERATURE);
            Float4Vector topP = (Float4Vector) root.getVector(RequestSchema.TOP_P);
            IntVector topK = (IntVector) root.getVector(RequestSchema.TOP_K);
            Float4Vector minP = (Float4Vector) root.getVector(RequestSchema.MIN_P);
            BigIntVector seed = (BigIntVector) root.getVector(RequestSchema.SEED);
            ListVector stop = (ListVector) root.getVector(RequestSchema.STOP);
            IntVector logprobs = (IntVector) root.getVector(RequestSchema.LOGPROBS);
            UnionListWriter tokenWriter = tokens.getWriter();
            UnionListWriter stopWriter = stop.getWriter();
            for (int row = 0; row < requests.size(); row++) {
                GenerationRequest r = requests.get(row);
                if (r.promptTokens() == null) {
                    throw new IllegalArgumentException("request " + r.id() + " has no prompt tokens");
                }
                SamplingParams p = r.params();
                id.setSafe(row, r.id().getBytes(StandardCharsets.UTF_8));
                tokenWriter.setPosition(row);
                tokenWriter.startList();
                for (int t : r.promptTokens()) tokenWriter.integer().writeInt(t);
                tokenWriter.endList();
                maxTokens.setSafe(row, p.maxTokens());
                temperature.setSafe(row, p.temperature());
                topP.setSafe(row, p.topP());
                topK.setSafe(row, p.topK());
                minP.setSafe(row, p.minP());
                if (p.seed() == null) seed.setNull(row);
                else seed.setSafe(row, p.seed());
                if (p.wantsLogprobs()) logprobs.setSafe(row, p.logprobs());
                else logprobs.setNull(row);
                stopWriter.setPosition(row);
                stopWriter.startList();
                for (String s : p.stop()) {
                    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                    try (var buffer = allocator.buffer(bytes.length)) {
                        buffer.setBytes(0, bytes);
                        stopWriter.varChar().writeVarChar(0, bytes.length, buffer);
                    }
                }
                stopWriter.endList();
            }
            root.setRowCount(requests.size());
            return root;
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }
}
