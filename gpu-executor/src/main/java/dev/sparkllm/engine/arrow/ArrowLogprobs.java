package dev.sparkllm.engine.arrow;

import dev.sparkllm.engine.sampling.TokenLogprob;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.complex.writer.BaseWriter.ListWriter;
import org.apache.arrow.vector.complex.writer.BaseWriter.StructWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The result column {@code logprobs: list<struct<token: utf8, id: int32, logprob: float32,
 * top: list<struct<token: utf8, id: int32, logprob: float32>>>>}, one entry per generated token
 * (null for a row that did not ask), and how it is written and read back.
 */
public final class ArrowLogprobs {
    static final String TOKEN = "token";
    static final String ID = "id";
    static final String LOGPROB = "logprob";
    static final String TOP = "top";

    private ArrowLogprobs() {}

    static Field field(String name) {
        Field alternative = new Field("item", FieldType.notNullable(ArrowType.Struct.INSTANCE), entryFields(null));
        Field top = new Field(TOP, FieldType.notNullable(ArrowType.List.INSTANCE), List.of(alternative));
        Field entry = new Field("item", FieldType.notNullable(ArrowType.Struct.INSTANCE), entryFields(top));
        return new Field(name, FieldType.nullable(ArrowType.List.INSTANCE), List.of(entry));
    }

    private static List<Field> entryFields(Field top) {
        List<Field> fields = new ArrayList<>(List.of(
                Field.nullable(TOKEN, ArrowType.Utf8.INSTANCE),
                Field.notNullable(ID, new ArrowType.Int(32, true)),
                Field.notNullable(LOGPROB, new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE))));
        if (top != null) fields.add(top);
        return fields;
    }

    /** Writes one row's entries; an empty list (the request did not ask) is a null cell. */
    static void write(UnionListWriter writer, ListVector vector, int row, List<TokenLogprob> logprobs) {
        if (logprobs.isEmpty()) {
            vector.setNull(row);
            return;
        }
        writer.setPosition(row);
        writer.startList();
        for (TokenLogprob t : logprobs) {
            StructWriter entry = writer.struct();
            entry.start();
            writeScalars(entry, t);
            ListWriter top = entry.list(TOP);
            top.startList();
            for (TokenLogprob alt : t.top()) {
                StructWriter a = top.struct();
                a.start();
                writeScalars(a, alt);
                a.end();
            }
            top.endList();
            entry.end();
        }
        writer.endList();
    }

    private static void writeScalars(StructWriter w, TokenLogprob t) {
        if (t.token() != null) w.varChar(TOKEN).writeVarChar(t.token());
        w.integer(ID).writeInt(t.id());
        w.float4(LOGPROB).writeFloat4(t.logprob());
    }

    /** Row {@code row} of a logprobs column: its entries, or null for a null cell. */
    public static List<TokenLogprob> read(ListVector column, int row) {
        if (column.isNull(row)) return null;
        StructVector entries = (StructVector) column.getDataVector();
        ListVector tops = (ListVector) entries.getChild(TOP);
        StructVector alternatives = (StructVector) tops.getDataVector();
        List<TokenLogprob> out = new ArrayList<>();
        for (int i = column.getElementStartIndex(row); i < column.getElementEndIndex(row); i++) {
            List<TokenLogprob> top = new ArrayList<>();
            for (int k = tops.getElementStartIndex(i); k < tops.getElementEndIndex(i); k++) top.add(entry(alternatives, k, List.of()));
            out.add(entry(entries, i, top));
        }
        return out;
    }

    private static TokenLogprob entry(StructVector v, int index, List<TokenLogprob> top) {
        VarCharVector token = (VarCharVector) v.getChild(TOKEN);
        return new TokenLogprob(token.isNull(index) ? null : new String(token.get(index), StandardCharsets.UTF_8),
                ((IntVector) v.getChild(ID)).get(index), ((Float4Vector) v.getChild(LOGPROB)).get(index), top);
    }
}
