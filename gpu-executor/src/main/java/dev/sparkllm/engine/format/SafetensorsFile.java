package dev.sparkllm.engine.format;

import dev.sparkllm.engine.tensor.WeightTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file. Opening it parses and validates the JSON header; tensor data is
 * memory-mapped per tensor on first use, never copied onto the heap. Tensors of dtypes other than
 * F32, F16 and BF16 are listed but fail when requested. Safe for concurrent use.
 */
public final class SafetensorsFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final SafetensorsHeader header;
    /** Guarded by {@code this}. */
    private final Map<String, WeightTensor> mapped = new HashMap<>();
    private boolean closed;

    private SafetensorsFile(Path path, FileChannel channel, SafetensorsHeader header) {
        this.path = path;
        this.channel = channel;
        this.header = header;
    }

    /** Opens and validates {@code path}; any malformation is a {@link ModelFormatException}. */
    public static SafetensorsFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            long window = Math.min(size, 8 + SafetensorsHeaderParser.MAX_HEADER_BYTES);
            ByteBuffer start = channel.map(FileChannel.MapMode.READ_ONLY, 0, window);
            return new SafetensorsFile(path, channel, SafetensorsHeaderParser.parse(start, size, path.toString()));
        } catch (IOException | RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** Tensor names in header order, unmodifiable. */
    public Set<String> tensorNames() {
        return header.entries().keySet();
    }

    public boolean hasTensor(String name) {
        return header.entries().containsKey(name);
    }

    /** A copy of the row-major shape (outermost first). @throws IllegalArgumentException for an unknown name */
    public long[] shape(String name) {
        return entry(name).shape().clone();
    }

    /** The dtype as written in the header, e.g. "BF16". @throws IllegalArgumentException for an unknown name */
    public String dtype(String name) {
        return entry(name).dtype();
    }

    /** The {@code __metadata__} strings, empty if the header has none. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /**
     * The tensor over its mapped bytes: 2-D shape [rows, cols]; 1-D [cols] is one row; leading
     * dimensions of size 1 are ignored.
     *
     * @throws ModelFormatException if there is no such tensor, its dtype is not F32/F16/BF16, or
     *                              it cannot be a matrix or is over 2 GiB
     */
    public synchronized WeightTensor tensor(String name) throws IOException {
        if (closed) {
            throw new IllegalStateException(path + " is closed");
        }
        WeightTensor t = mapped.get(name);
        if (t == null) {
            SafetensorsEntry e = header.entries().get(name);
            if (e == null) {
                throw new ModelFormatException(path.toString(), "no tensor named " + Quoting.quote(name));
            }
            SafetensorsDtype dtype = SafetensorsDtype.byName(e.dtype());
            if (dtype == null || dtype.engineType == null) {
                throw new ModelFormatException(path.toString(), "tensor " + Quoting.quote(name) + " has dtype "
                        + Quoting.quote(e.dtype()) + "; only F32, F16 and BF16 tensors can be loaded");
            }
            t = TensorMapper.map(channel, path.toString(), name, dtype.engineType, reversed(e.shape()),
                    header.dataStart() + e.begin(), e.byteSize());
            mapped.put(name, t);
        }
        return t;
    }

    /** Closes the file; buffers already handed out stay readable until garbage collected. */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        mapped.clear();
        channel.close();
    }

    private SafetensorsEntry entry(String name) {
        SafetensorsEntry e = header.entries().get(name);
        if (e == null) {
            throw new IllegalArgumentException(path + ": no tensor named " + Quoting.quote(name));
        }
        return e;
    }

    /** Safetensors shapes are outermost-first; GGML order (which the mapper takes) is innermost-first. */
    private static long[] reversed(long[] shape) {
        long[] r = new long[shape.length];
        for (int i = 0; i < shape.length; i++) r[i] = shape[shape.length - 1 - i];
        return r;
    }
}
