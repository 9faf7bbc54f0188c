package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Just enough GGUF (v2/v3) to find tensors in a trusted model file for the kernel tests, so they
 * do not depend on the format package: skips all metadata except general.alignment, records
 * each tensor's type, shape and offset, and hands out WeightTensors over the mapped file.
 * No validation beyond what the tests need; not for untrusted input.
 */
final class MiniGgufReader {
    private record Info(GgmlType type, int rows, int cols, long offset) {}

    private final MappedByteBuffer file;
    private final Map<String, Info> tensors = new LinkedHashMap<>();
    private final long dataStart;

    private MiniGgufReader(MappedByteBuffer file) {
        this.file = file;
        ByteBuffer b = file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt() != 0x46554747) throw new IllegalArgumentException("not a GGUF file");
        b.getInt();                                    // version
        long tensorCount = b.getLong();
        long kvCount = b.getLong();
        long alignment = 32;
        for (long i = 0; i < kvCount; i++) {
            String key = string(b);
            int type = b.getInt();
            if (key.equals("general.alignment")) {
                alignment = b.getInt() & 0xFFFFFFFFL;
            } else {
                skipValue(b, type);
            }
        }
        for (long i = 0; i < tensorCount; i++) {
            String name = string(b);
            int dims = b.getInt();
            long cols = b.getLong();
            long rows = 1;
            for (int d = 1; d < dims; d++) rows *= b.getLong();
            GgmlType type = GgmlType.byId(b.getInt());
            long offset = b.getLong();
            if (type != null) tensors.put(name, new Info(type, (int) rows, (int) cols, offset));
        }
        long end = b.position();
        dataStart = (end + alignment - 1) / alignment * alignment;
    }

    static MiniGgufReader open(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path)) {
            return new MiniGgufReader(ch.map(FileChannel.MapMode.READ_ONLY, 0, Files.size(path)));
        }
    }

    boolean has(String name) {
        return tensors.containsKey(name);
    }

    WeightTensor tensor(String name) {
        return tensor(name, Integer.MAX_VALUE);
    }

    /** The tensor, or only its first {@code maxRows} rows. */
    WeightTensor tensor(String name, int maxRows) {
        Info info = tensors.get(name);
        if (info == null) throw new IllegalArgumentException("no tensor " + name);
        int rows = Math.min(info.rows(), maxRows);
        long bytes = info.type().byteSize((long) rows * info.cols());
        ByteBuffer data = file.slice(Math.toIntExact(dataStart + info.offset()), Math.toIntExact(bytes));
        return new WeightTensor(name, info.type(), rows, info.cols(), data);
    }

    private static String string(ByteBuffer b) {
        int n = Math.toIntExact(b.getLong());
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static void skipValue(ByteBuffer b, int type) {
        switch (type) {
            case 0, 1, 7 -> b.position(b.position() + 1);
            case 2, 3 -> b.position(b.position() + 2);
            case 4, 5, 6 -> b.position(b.position() + 4);
            case 10, 11, 12 -> b.position(b.position() + 8);
            case 8 -> string(b);
            case 9 -> {
                int itemType = b.getInt();
                long count = b.getLong();
                for (long i = 0; i < count; i++) skipValue(b, itemType);
            }
            default -> throw new IllegalArgumentException("GGUF value type " + type);
        }
    }
}
