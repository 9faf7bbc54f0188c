package dev.sparkllm.engine.format;

import dev.sparkllm.engine.tensor.GgmlType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates a GGUF header: magic, version, metadata and tensor infos, then checks
 * that every tensor's data lies inside the file, aligned and without overlap. It works on a byte
 * buffer rather than a file so the fuzz tests can drive it directly.
 */
final class GgufHeaderParser {
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian int
    static final int DEFAULT_ALIGNMENT = 32;
    static final String ALIGNMENT_KEY = "general.alignment";
    static final int MAX_DIMS = 4;
    /** Larger alignments would not be a real layout choice, and this keeps offset arithmetic far from overflow. */
    static final long MAX_ALIGNMENT = 1L << 30;
    /** Smallest tensor info: empty name (8), n_dims (4), one dim (8), type (4), offset (8). */
    static final int MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;

    private GgufHeaderParser() {
    }

    /**
     * @param header   the start of the file (at most the whole file); the header must end inside it
     * @param fileSize the size of the whole file, against which tensor data is checked
     * @param source   how to name the file in error messages
     */
    static GgufHeader parse(ByteBuffer header, long fileSize, String source) throws ModelFormatException {
        if (fileSize == 0) {
            throw new ModelFormatException(source, "empty file (0 bytes), expected a GGUF header");
        }
        GgufCursor in = new GgufCursor(header, fileSize, source);
        int magic = in.i32("magic");
        if (magic != MAGIC) {
            throw in.errorAt(0, String.format("bad magic 0x%08x, expected \"GGUF\": not a GGUF file", Integer.reverseBytes(magic)));
        }
        int version = readVersion(in);
        long tensorCount = in.i64("tensor count");
        long kvCount = in.i64("metadata entry count");
        in.requireCount(kvCount, GgufMetadataParser.MIN_ENTRY_BYTES, "metadata entry");
        in.requireCount(tensorCount, MIN_TENSOR_INFO_BYTES, "tensor");

        Map<String, Object> metadata = GgufMetadataParser.read(in, kvCount);
        long alignment = alignment(metadata, source);
        List<RawTensorInfo> raw = readTensorInfos(in, tensorCount, alignment);
        long dataStart = alignUp(in.position(), alignment);
        List<GgufTensorInfo> tensors = place(raw, dataStart, fileSize, source);
        checkNoOverlap(tensors, source);
        return new GgufHeader(version, Collections.unmodifiableMap(metadata), Collections.unmodifiableList(tensors), alignment, dataStart);
    }

    private static int readVersion(GgufCursor in) throws ModelFormatException {
        int version = in.i32("version");
        if (version == 2 || version == 3) {
            return version;
        }
        if (version == 1) {
            throw in.errorAt(4, "GGUF version 1 is not supported (only versions 2 and 3 are)");
        }
        int swapped = Integer.reverseBytes(version);
        if (swapped >= 1 && swapped <= 3) {
            throw in.errorAt(4, "big-endian GGUF (version " + swapped + " stored big-endian) is not supported; only little-endian files are");
        }
        throw in.errorAt(4, "unsupported GGUF version " + Integer.toUnsignedString(version) + " (only versions 2 and 3 are supported)");
    }

    private static long alignment(Map<String, Object> metadata, String source) throws ModelFormatException {
        Object value = metadata.get(ALIGNMENT_KEY);
        if (value == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (!(value instanceof Long)) {
            throw new ModelFormatException(source, ALIGNMENT_KEY + " must be an integer, found " + GgufMetadata.describe(value));
        }
        long a = (Long) value;
        if (a <= 0 || a > MAX_ALIGNMENT || Long.bitCount(a) != 1) {
            throw new ModelFormatException(source, ALIGNMENT_KEY + " = " + Long.toUnsignedString(a)
                    + " is not a power of two between 1 and " + MAX_ALIGNMENT);
        }
        return a;
    }

    /** A tensor info as read, with its offset still relative to the data section. */
    private record RawTensorInfo(String name, GgmlType type, long[] dims, long relativeOffset, long byteSize) {
    }

    private static List<RawTensorInfo> readTensorInfos(GgufCursor in, long count, long alignment) throws ModelFormatException {
        List<RawTensorInfo> infos = new ArrayList<>((int) Math.min(count, 4096));
        Set<String> names = new HashSet<>();
        for (long i = 0; i < count; i++) {
            in.context("tensor info #" + i);
            String name = in.string("tensor name");
            in.context("tensor " + Quoting.quote(name));
            if (!names.add(name)) {
                throw in.error("duplicate tensor name");
            }
            infos.add(readTensorInfo(in, name, alignment));
        }
        in.context("");
        return infos;
    }

    private static RawTensorInfo readTensorInfo(GgufCursor in, String name, long alignment) throws ModelFormatException {
        int at = in.position();
        long nDims = in.u32("n_dims");
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw in.errorAt(at, "n_dims " + nDims + " is out of range (1.." + MAX_DIMS + ")");
        }
        long[] dims = new long[(int) nDims];
        long elements = 1;
        for (int d = 0; d < dims.length; d++) {
            at = in.position();
            dims[d] = in.i64("dimension");
            if (dims[d] <= 0) {
                throw in.errorAt(at, "dimension " + d + " is " + Long.toUnsignedString(dims[d]) + ", must be between 1 and " + Long.MAX_VALUE);
            }
            try {
                elements = Math.multiplyExact(elements, dims[d]);
            } catch (ArithmeticException e) {
                throw in.errorAt(at, "element count overflows 64 bits (dims " + Arrays.toString(Arrays.copyOf(dims, d + 1)) + ")");
            }
        }
        at = in.position();
        int typeId = in.i32("tensor type");
        GgmlType type = GgmlType.byId(typeId);
        if (type == null) {
            throw in.errorAt(at, "unknown or unsupported tensor type id " + typeId + " (supported: " + supportedTypes() + ")");
        }
        if (dims[0] % type.blockSize != 0) {
            throw in.errorAt(at, "ne0 = " + dims[0] + " is not a multiple of the " + type + " block size " + type.blockSize);
        }
        long byteSize;
        try {
            byteSize = type.byteSize(elements);
        } catch (ArithmeticException e) {
            throw in.errorAt(at, "data size of " + elements + " " + type + " elements overflows 64 bits");
        }
        at = in.position();
        long offset = in.i64("data offset");
        if (offset < 0) {
            throw in.errorAt(at, "data offset " + Long.toUnsignedString(offset) + " is past the end of any file");
        }
        if (offset % alignment != 0) {
            throw in.errorAt(at, "data offset " + offset + " is not a multiple of the alignment " + alignment);
        }
        return new RawTensorInfo(name, type, dims, offset, byteSize);
    }

    private static String supportedTypes() {
        StringBuilder sb = new StringBuilder();
        for (GgmlType t : GgmlType.values()) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(t).append('=').append(t.id);
        }
        return sb.toString();
    }

    private static long alignUp(long position, long alignment) {
        return (position + alignment - 1) / alignment * alignment;
    }

    private static List<GgufTensorInfo> place(List<RawTensorInfo> raw, long dataStart, long fileSize, String source) throws ModelFormatException {
        List<GgufTensorInfo> placed = new ArrayList<>(raw.size());
        for (RawTensorInfo t : raw) {
            String where = "tensor " + Quoting.quote(t.name()) + ": ";
            if (dataStart > fileSize || t.relativeOffset() > fileSize - dataStart) {
                throw new ModelFormatException(source, where + "data offset " + t.relativeOffset() + " (absolute "
                        + (dataStart + t.relativeOffset()) + ") is past the end of the file (" + fileSize + " bytes)");
            }
            long absolute = dataStart + t.relativeOffset();
            if (t.byteSize() > fileSize - absolute) {
                throw new ModelFormatException(source, where + "data of " + t.byteSize() + " bytes at offset " + absolute
                        + " extends past the end of the file (" + fileSize + " bytes)");
            }
            placed.add(new GgufTensorInfo(t.name(), t.type(), t.dims(), absolute, t.byteSize()));
        }
        return placed;
    }

    private static void checkNoOverlap(List<GgufTensorInfo> tensors, String source) throws ModelFormatException {
        List<GgufTensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(GgufTensorInfo::dataOffset));
        for (int i = 1; i < byOffset.size(); i++) {
            GgufTensorInfo prev = byOffset.get(i - 1);
            GgufTensorInfo cur = byOffset.get(i);
            if (prev.dataOffset() + prev.byteSize() > cur.dataOffset()) {
                throw new ModelFormatException(source, "tensors " + Quoting.quote(prev.name()) + " (bytes "
                        + prev.dataOffset() + ".." + (prev.dataOffset() + prev.byteSize()) + ") and "
                        + Quoting.quote(cur.name()) + " (from byte " + cur.dataOffset() + ") overlap");
            }
        }
    }
}
