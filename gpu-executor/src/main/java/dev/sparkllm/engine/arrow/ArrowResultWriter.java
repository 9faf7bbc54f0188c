package dev.sparkllm.engine.arrow;

import dev.sparkllm.engine.runtime.GenerationResult;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes engine results into a new result record batch (see {@link RequestSchema#resultSchema()}). */
public final class ArrowResultWriter {
    private ArrowResultWriter() {}

    /** The caller owns (and must close) the returned root. */
    public static VectorSchemaRoot write(List<GenerationResult> results, BufferAllocator allocator) {
        VectorSchemaRoot root = VectorSchemaRoot.create(RequestSchema.resultSchema(), allocator);
        try {
            root.allocateNew();
            VarCharVector id = (VarCharVector) root.getVector(RequestSchema.ID);
            VarCharVector text = (VarCharVector) root.getVector(RequestSchema.TEXT);
            ListVector tokens = (ListVector) root.getVector(RequestSchema.TOKEN_IDS);
            VarCharVector finish = (VarCharVector) root.getVector(RequestSchema.FINISH_REASON);
            IntVector promptTokens = (IntVector) root.getVector(RequestSchema.PROMPT_TOKENS);
            IntVector completionTokens = (IntVector) root.getVector(RequestSchema.COMPLETION_TOKENS);
            IntVector cachedTokens = (IntVector) root.getVector(RequestSchema.CACHED_TOKENS);
            VarCharVector error = (VarCharVector) root.getVector(RequestSchema.ERROR);
            ListVector logprobs = (ListVector) root.getVector(RequestSchema.LOGPROBS);
            UnionListWriter tokenWriter = tokens.getWriter();
            UnionListWriter logprobWriter = logprobs.getWriter();
            for (int row = 0; row < results.size(); row++) {
                GenerationResult r = results.get(row);
                id.setSafe(row, utf8(r.id()));
                setNullable(text, row, r.text());
                tokenWriter.setPosition(row);
                tokenWriter.startList();
                for (int t : r.tokenIds()) tokenWriter.integer().writeInt(t);
                tokenWriter.endList();
                finish.setSafe(row, utf8(r.finishReason()));
                promptTokens.setSafe(row, r.promptTokens());
                completionTokens.setSafe(row, r.completionTokens());
                cachedTokens.setSafe(row, r.cachedTokens());
                setNullable(error, row, r.error());
                ArrowLogprobs.write(logprobWriter, logprobs, row, r.logprobs());
            }
            root.setRowCount(results.size());
            return root;
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    private static void setNullable(VarCharVector v, int row, String value) {
        if (value == null) v.setNull(row);
        else v.setSafe(row, utf8(value));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
