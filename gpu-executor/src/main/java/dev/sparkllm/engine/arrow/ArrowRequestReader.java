package dev.sparkllm.engine.arrow;

import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.sampling.SamplingParams;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a request record batch into engine requests. Token ids are copied straight out of the
 * list vector's data buffer (no boxing). Optional sampling columns override the defaults per row;
 * a column of an unusable type is rejected for the whole batch, with its name.
 */
public final class ArrowRequestReader {
    private ArrowRequestReader() {}

    public static List<GenerationRequest> read(VectorSchemaRoot root, SamplingParams defaults) {
        FieldVector idColumn = require(root, RequestSchema.ID);
        FieldVector prompt = root.getVector(RequestSchema.PROMPT);
        FieldVector tokenIds = root.getVector(RequestSchema.TOKEN_IDS);
        if (prompt == null && tokenIds == null) {
            throw new IllegalArgumentException("request batch needs a '" + RequestSchema.PROMPT + "' or '"
                    + RequestSchema.TOKEN_IDS + "' column; it has " + root.getSchema().getFields());
        }
        List<GenerationRequest> out = new ArrayList<>(root.getRowCount());
        for (int row = 0; row < root.getRowCount(); row++) {
            Object id = idColumn.getObject(row);
            String idText = id == null ? "row-" + row : id.toString();
            int[] tokens = tokenIds == null ? null : tokens(asList(tokenIds), row);
            String text = prompt == null ? null : string(prompt, row);
            out.add(new GenerationRequest(idText, text, null, tokens, params(root, row, defaults),
                    bool(root.getVector(RequestSchema.CHAT), row), string(root.getVector(RequestSchema.SYSTEM), row),
                    bool(root.getVector(RequestSchema.PARSE_SPECIAL), row)));
        }
        return out;
    }

    private static SamplingParams params(VectorSchemaRoot root, int row, SamplingParams d) {
        Long seed = d.seed();
        FieldVector seedColumn = root.getVector(RequestSchema.SEED);
        if (seedColumn != null && !seedColumn.isNull(row)) seed = integer(seedColumn, row);
        List<String> stop = d.stop();
        FieldVector stopColumn = root.getVector(RequestSchema.STOP);
        if (stopColumn != null && !stopColumn.isNull(row)) stop = strings(asList(stopColumn), row);
        return new SamplingParams(
                (int) integerOr(root, RequestSchema.MAX_TOKENS, row, d.maxTokens()),
                floatOr(root, RequestSchema.TEMPERATURE, row, d.temperature()),
                (int) integerOr(root, RequestSchema.TOP_K, row, d.topK()),
                floatOr(root, RequestSchema.TOP_P, row, d.topP()),
                floatOr(root, RequestSchema.MIN_P, row, d.minP()),
                seed, stop, d.ignoreEos(),
                saturatedInt(integerOr(root, RequestSchema.LOGPROBS, row, d.logprobs())));
    }

    /** An int column value, out-of-range longs kept out of range so that validation names them. */
    private static int saturatedInt(long v) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    private static FieldVector require(VectorSchemaRoot root, String name) {
        FieldVector v = root.getVector(name);
        if (v == null) throw new IllegalArgumentException("request batch has no '" + name + "' column");
        return v;
    }

    private static ListVector asList(FieldVector v) {
        if (!(v instanceof ListVector list)) {
            throw new IllegalArgumentException("column '" + v.getName() + "' must be a list, is " + v.getField().getType());
        }
        return list;
    }

    private static int[] tokens(ListVector list, int row) {
        if (list.isNull(row)) return null;
        if (!(list.getDataVector() instanceof IntVector ints)) {
            throw new IllegalArgumentException("column '" + list.getName() + "' must be a list of int32");
        }
        ArrowBuf offsets = list.getOffsetBuffer();
        int start = offsets.getInt((long) row * ListVector.OFFSET_WIDTH);
        int end = offsets.getInt((long) (row + 1) * ListVector.OFFSET_WIDTH);
        ArrowBuf data = ints.getDataBuffer();
        int[] out = new int[end - start];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.getInt((long) (start + i) * IntVector.TYPE_WIDTH);
        }
        return out;
    }

    private static List<String> strings(ListVector list, int row) {
        if (!(list.getDataVector() instanceof VarCharVector chars)) {
            throw new IllegalArgumentException("column '" + list.getName() + "' must be a list of strings");
        }
        int start = list.getElementStartIndex(row);
        int end = list.getElementEndIndex(row);
        List<String> out = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) out.add(chars.isNull(i) ? null : new String(chars.get(i), StandardCharsets.UTF_8));
        return out;
    }

    private static String string(FieldVector v, int row) {
        if (v == null || v.isNull(row)) return null;
        if (!(v instanceof VarCharVector chars)) {
            throw new IllegalArgumentException("column '" + v.getName() + "' must be a string, is " + v.getField().getType());
        }
        return new String(chars.get(row), StandardCharsets.UTF_8);
    }

    private static Boolean bool(FieldVector v, int row) {
        if (v == null || v.isNull(row)) return null;
        if (!(v instanceof BitVector bits)) {
            throw new IllegalArgumentException("column '" + v.getName() + "' must be boolean, is " + v.getField().getType());
        }
        return bits.get(row) != 0;
    }

    private static long integerOr(VectorSchemaRoot root, String name, int row, long dflt) {
        FieldVector v = root.getVector(name);
        return v == null || v.isNull(row) ? dflt : integer(v, row);
    }

    private static long integer(FieldVector v, int row) {
        if (!(v instanceof BaseIntVector ints)) {
            throw new IllegalArgumentException("column '" + v.getName() + "' must be an integer, is " + v.getField().getType());
        }
        return ints.getValueAsLong(row);
    }

    private static float floatOr(VectorSchemaRoot root, String name, int row, float dflt) {
        FieldVector v = root.getVector(name);
        if (v == null || v.isNull(row)) return dflt;
        if (v instanceof FloatingPointVector f) return (float) f.getValueAsDouble(row);
        if (v instanceof BaseIntVector i) return i.getValueAsLong(row);
        throw new IllegalArgumentException("column '" + name + "' must be a number, is " + v.getField().getType());
    }
}
