package dev.sparkllm.engine.format;

import java.nio.ByteBuffer;

/**
 * What the property and fuzz tests demand of the parsers for arbitrary bytes: either a
 * {@link ModelFormatException}, or a result whose promises hold (every tensor inside the file and
 * usable as a matrix or cleanly refused, every typed getter either answering or raising
 * {@link MetadataTypeException}). Any other exception, or a broken promise (an AssertionError),
 * is a bug.
 */
final class ParserContract {
    private ParserContract() {
    }

    static void checkGguf(byte[] file) throws ModelFormatException {
        GgufHeader h = GgufHeaderParser.parse(ByteBuffer.wrap(file), file.length, "fuzz.gguf");
        for (GgufTensorInfo t : h.tensors()) {
            check(t.dataOffset() >= h.dataStart() && t.byteSize() > 0 && t.dataOffset() + t.byteSize() <= file.length,
                    "tensor outside the file: " + t);
            check((t.dataOffset() - h.dataStart()) % h.alignment() == 0, "misaligned: " + t);
            try {
                TensorMapper.wrap(ByteBuffer.wrap(file).slice((int) t.dataOffset(), (int) t.byteSize()), "fuzz.gguf",
                        t.name(), t.type(), t.dims(), t.byteSize());
            } catch (ModelFormatException refused) {
                // e.g. a 3-D tensor: fine, as long as it is this exception
            }
        }
        GgufMetadata m = new GgufMetadata(h.metadata(), "fuzz.gguf");
        for (String key : h.metadata().keySet()) {
            exerciseGetters(m, key);
        }
    }

    private static void exerciseGetters(GgufMetadata m, String key) {
        Runnable[] getters = {
            () -> m.string(key, null), () -> m.integer(key, 0), () -> m.real(key, 0), () -> m.bool(key, false),
            () -> m.stringArray(key), () -> m.intArray(key), () -> m.floatArray(key), () -> m.values().get(key).toString(),
        };
        for (Runnable g : getters) {
            try {
                g.run();
            } catch (MetadataTypeException wrongType) {
                // the documented answer to asking for the wrong type
            }
        }
    }

    static void checkSafetensors(byte[] file) throws ModelFormatException {
        SafetensorsHeader h = SafetensorsHeaderParser.parse(ByteBuffer.wrap(file), file.length, "fuzz.safetensors");
        for (SafetensorsEntry e : h.entries().values()) {
            check(e.begin() <= e.end() && h.dataStart() + e.end() <= file.length, "tensor outside the file: " + e);
            SafetensorsDtype dtype = SafetensorsDtype.byName(e.dtype());
            if (dtype == null || dtype.engineType == null) continue;
            long[] ne = new long[e.shape().length];
            for (int i = 0; i < ne.length; i++) ne[i] = e.shape()[ne.length - 1 - i];
            try {
                TensorMapper.wrap(ByteBuffer.wrap(file).slice((int) (h.dataStart() + e.begin()), (int) e.byteSize()),
                        "fuzz.safetensors", e.name(), dtype.engineType, ne, e.byteSize());
            } catch (ModelFormatException refused) {
                // not a matrix: fine
            }
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }
}
