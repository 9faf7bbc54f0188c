package dev.sparkllm.engine.format;

import dev.sparkllm.engine.tensor.WeightTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF model file (versions 2 and 3, little-endian). Opening it parses and validates the whole
 * header; tensor data stays in the file and is memory-mapped one tensor at a time on first use,
 * so files above 2 GiB work and no weights are copied onto the heap.
 *
 * <p>Metadata values are exposed raw by {@link #metadata()}: String, Boolean, Long (every integer
 * type; uint64 as the raw 64 bits), Double (float32 and float64) and {@code List<Object>} for
 * arrays (nested arrays as nested lists). The typed getters are the convenient way in.
 *
 * <p>Safe for concurrent use.
 */
public final class GgufFile implements AutoCloseable {
    /**
     * The most header bytes read: far above real headers (a 256k-token vocabulary is ~10 MiB)
     * yet low enough that the heap a hostile header can claim stays bounded.
     */
    static final long MAX_HEADER_BYTES = 128L << 20;

    private final Path path;
    private final FileChannel channel;
    private final GgufHeader header;
    private final GgufMetadata metadata;
    private final Map<String, GgufTensorInfo> tensorsByName;
    /** Mapped tensors, so repeated lookups share one mapping. Guarded by {@code this}. */
    private final Map<String, WeightTensor> mapped = new HashMap<>();
    private boolean closed;

    private GgufFile(Path path, FileChannel channel, GgufHeader header) {
        this.path = path;
        this.channel = channel;
        this.header = header;
        this.metadata = new GgufMetadata(header.metadata(), path.toString());
        this.tensorsByName = new LinkedHashMap<>();
        for (GgufTensorInfo t : header.tensors()) {
            tensorsByName.put(t.name(), t);
        }
    }

    /** Opens and validates {@code path}; any malformation is a {@link ModelFormatException}. */
    public static GgufFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            ByteBuffer window = channel.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, MAX_HEADER_BYTES));
            GgufHeader header = GgufHeaderParser.parse(window, size, path.toString());
            return new GgufFile(path, channel, header);
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    public int version() {
        return header.version();
    }

    public Path path() {
        return path;
    }

    /** Alignment of tensor data in this file (general.alignment, default 32). */
    public long alignment() {
        return header.alignment();
    }

    /** All metadata in file order, unmodifiable; see the class comment for the value types. */
    public Map<String, Object> metadata() {
        return header.metadata();
    }

    public boolean has(String key) {
        return metadata.has(key);
    }

    /** @throws MetadataTypeException if the key holds something other than a string */
    public String string(String key, String dflt) {
        return metadata.string(key, dflt);
    }

    /** Any GGUF integer type; uint64 values above 2^63 come back negative (raw bits). */
    public long integer(String key, long dflt) {
        return metadata.integer(key, dflt);
    }

    /** float32, float64 or any integer type. */
    public double real(String key, double dflt) {
        return metadata.real(key, dflt);
    }

    public boolean bool(String key, boolean dflt) {
        return metadata.bool(key, dflt);
    }

    /** A copy of a string array, or null if the key is absent. */
    public String[] stringArray(String key) {
        return metadata.stringArray(key);
    }

    /** A copy of an integer array (any integer element type, values must fit an int), or null if absent. */
    public int[] intArray(String key) {
        return metadata.intArray(key);
    }

    /** A copy of a numeric array as floats, or null if absent. */
    public float[] floatArray(String key) {
        return metadata.floatArray(key);
    }

    /** Tensor infos in file order, unmodifiable. */
    public List<GgufTensorInfo> tensors() {
        return header.tensors();
    }

    public boolean hasTensor(String name) {
        return tensorsByName.containsKey(name);
    }

    /** The info for {@code name}, or null if the file has no such tensor. */
    public GgufTensorInfo tensorInfo(String name) {
        return tensorsByName.get(name);
    }

    /**
     * The tensor as a matrix over its mapped bytes: 1-D tensors are one row of ne0 elements, 2-D
     * tensors have ne1 rows of ne0; higher dimensions must be 1. The header was validated when the
     * file was opened, so callers that checked {@link #hasTensor} need not handle checked
     * exceptions here; the rare failures are unchecked.
     *
     * @throws IllegalArgumentException if the file has no such tensor
     * @throws UncheckedIOException     wrapping a {@link ModelFormatException} if the tensor is not
     *                                  a matrix or is over 2 GiB, or the IOException if mapping fails
     */
    public synchronized WeightTensor tensor(String name) {
        if (closed) {
            throw new IllegalStateException(path + " is closed");
        }
        WeightTensor t = mapped.get(name);
        if (t == null) {
            GgufTensorInfo info = tensorsByName.get(name);
            if (info == null) {
                throw new IllegalArgumentException(path + ": no tensor named " + Quoting.quote(name));
            }
            try {
                t = TensorMapper.map(channel, path.toString(), name, info.type(), info.dims(), info.dataOffset(), info.byteSize());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            mapped.put(name, t);
        }
        return t;
    }

    /**
     * Closes the file. Buffers already handed out stay readable until they are garbage collected
     * (Java cannot unmap safely), but no new tensors can be mapped.
     */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        mapped.clear();
        channel.close();
    }
}
