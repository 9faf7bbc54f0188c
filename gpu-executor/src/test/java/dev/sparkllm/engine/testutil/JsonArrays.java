package dev.sparkllm.engine.testutil;

import com.fasterxml.jackson.databind.JsonNode;

/** JSON arrays of the reference fixtures as primitive arrays. */
public final class JsonArrays {
    private JsonArrays() {}

    public static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }

    public static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asDouble();
        return out;
    }
}
