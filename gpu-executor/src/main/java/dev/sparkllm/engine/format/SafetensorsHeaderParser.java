package dev.sparkllm.engine.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates a safetensors header: the 8-byte little-endian length, the JSON that
 * follows, and every tensor's byte range against the file. Tensors of dtypes the engine cannot
 * load are still validated (when their width is known) but only rejected when requested, so a
 * file with, say, an I64 position-id buffer still opens.
 */
final class SafetensorsHeaderParser {
    /** The reference implementation's limit; real headers are a few MB at most. */
    static final long MAX_HEADER_BYTES = 100_000_000;
    static final String METADATA_KEY = "__metadata__";
    /** No real tensor has more dimensions; the limit keeps hostile shapes small. */
    static final int MAX_RANK = 16;
    private static final long JSON_START = 8;

    private final String source;
    private final long dataLength;

    private SafetensorsHeaderParser(String source, long dataLength) {
        this.source = source;
        this.dataLength = dataLength;
    }

    /**
     * @param start    the start of the file, holding at least the header when the file does
     * @param fileSize the size of the whole file
     */
    static SafetensorsHeader parse(ByteBuffer start, long fileSize, String source) throws ModelFormatException {
        if (fileSize < JSON_START) {
            throw new ModelFormatException(source, "file of " + fileSize + " bytes is too short for the 8-byte safetensors header length");
        }
        long n = start.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new ModelFormatException(source, "header length " + Long.toUnsignedString(n) + " at offset 0 is out of range (at most "
                    + MAX_HEADER_BYTES + " bytes): not a safetensors file?");
        }
        if (n > fileSize - JSON_START) {
            throw new ModelFormatException(source, "header length " + n + " at offset 0 runs past the end of the file (" + fileSize + " bytes)");
        }
        byte[] json = new byte[(int) n];
        start.get((int) JSON_START, json);
        long dataStart = JSON_START + n;
        SafetensorsHeaderParser parser = new SafetensorsHeaderParser(source, fileSize - dataStart);
        try (JsonParser p = StrictJson.parser(json)) {
            return parser.readHeader(p, dataStart);
        } catch (JsonProcessingException e) {
            throw StrictJson.syntaxError(source, "the safetensors header", e, JSON_START);
        } catch (ModelFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFormatException(source, "cannot read the safetensors header: " + e.getMessage(), e);
        }
    }

    private SafetensorsHeader readHeader(JsonParser p, long dataStart) throws IOException {
        JsonToken first = p.nextToken();
        if (first != JsonToken.START_OBJECT) {
            throw error(p, "the header is " + StrictJson.describe(first) + ", expected a JSON object");
        }
        Map<String, String> metadata = Map.of();
        Map<String, SafetensorsEntry> entries = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (METADATA_KEY.equals(name)) {
                metadata = readMetadata(p);
            } else {
                entries.put(name, readEntry(p, name));
            }
        }
        JsonToken trailing = p.nextToken();
        if (trailing != null) {
            throw error(p, "unexpected " + StrictJson.describe(trailing) + " after the header object");
        }
        checkNoOverlap(entries);
        return new SafetensorsHeader(Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(entries), dataStart);
    }

    private Map<String, String> readMetadata(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw error(p, METADATA_KEY + " is " + StrictJson.describe(p.currentToken()) + ", expected an object of strings");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw error(p, METADATA_KEY + " value for " + Quoting.quote(key) + " is "
                        + StrictJson.describe(p.currentToken()) + ", expected a string");
            }
            metadata.put(key, p.getText());
        }
        return metadata;
    }

    private SafetensorsEntry readEntry(JsonParser p, String name) throws IOException {
        String where = "tensor " + Quoting.quote(name);
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw error(p, where + " is " + StrictJson.describe(p.currentToken()) + ", expected an object");
        }
        String dtype = null;
        long[] shape = null;
        long[] offsets = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "dtype":
                    if (p.currentToken() != JsonToken.VALUE_STRING) {
                        throw error(p, where + ": dtype is " + StrictJson.describe(p.currentToken()) + ", expected a string");
                    }
                    dtype = p.getText();
                    break;
                case "shape":
                    shape = readNonNegativeLongs(p, where + ": shape", MAX_RANK);
                    break;
                case "data_offsets":
                    offsets = readNonNegativeLongs(p, where + ": data_offsets", 2);
                    break;
                default:
                    p.skipChildren(); // tolerated, like the reference implementation
            }
        }
        if (dtype == null || shape == null || offsets == null) {
            throw error(p, where + " lacks " + (dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets"));
        }
        if (offsets.length != 2) {
            throw error(p, where + ": data_offsets has " + offsets.length + " values, expected [begin, end]");
        }
        return validate(p, new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]));
    }

    private SafetensorsEntry validate(JsonParser p, SafetensorsEntry e) throws ModelFormatException {
        String where = "tensor " + Quoting.quote(e.name());
        if (e.end() < e.begin()) {
            throw error(p, where + ": data_offsets [" + e.begin() + ", " + e.end() + "] end before they begin");
        }
        if (e.end() > dataLength) {
            throw error(p, where + ": data_offsets [" + e.begin() + ", " + e.end() + "] run past the end of the data ("
                    + dataLength + " bytes after the header)");
        }
        SafetensorsDtype dtype = SafetensorsDtype.byName(e.dtype());
        if (dtype != null) {
            long expected = expectedBytes(p, where, e.shape(), dtype);
            if (expected != e.byteSize()) {
                throw error(p, where + ": shape " + Arrays.toString(e.shape()) + " of " + e.dtype() + " needs " + expected
                        + " bytes but data_offsets [" + e.begin() + ", " + e.end() + "] hold " + e.byteSize());
            }
        }
        return e;
    }

    private long expectedBytes(JsonParser p, String where, long[] shape, SafetensorsDtype dtype) throws ModelFormatException {
        try {
            long bits = dtype.bits;
            for (long d : shape) bits = Math.multiplyExact(bits, d);
            if (bits % 8 != 0) {
                throw error(p, where + ": shape " + Arrays.toString(shape) + " of " + dtype + " is not a whole number of bytes");
            }
            return bits / 8;
        } catch (ArithmeticException overflow) {
            throw error(p, where + ": shape " + Arrays.toString(shape) + " of " + dtype + " overflows 64 bits");
        }
    }

    private long[] readNonNegativeLongs(JsonParser p, String what, int maxCount) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw error(p, what + " is " + StrictJson.describe(p.currentToken()) + ", expected an array of integers");
        }
        List<Long> values = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                throw error(p, what + " holds " + StrictJson.describe(p.currentToken()) + ", expected integers");
            }
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0) {
                throw error(p, what + " holds " + p.getText() + ", expected an integer between 0 and " + Long.MAX_VALUE);
            }
            if (values.size() == maxCount) {
                throw error(p, what + " has more than " + maxCount + " values");
            }
            values.add(p.getLongValue());
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private void checkNoOverlap(Map<String, SafetensorsEntry> entries) throws ModelFormatException {
        List<SafetensorsEntry> byBegin = new ArrayList<>();
        for (SafetensorsEntry e : entries.values()) {
            if (e.byteSize() > 0) byBegin.add(e); // empty tensors take no bytes and may sit anywhere
        }
        byBegin.sort(Comparator.comparingLong(SafetensorsEntry::begin));
        for (int i = 1; i < byBegin.size(); i++) {
            SafetensorsEntry prev = byBegin.get(i - 1);
            SafetensorsEntry cur = byBegin.get(i);
            if (prev.end() > cur.begin()) {
                throw new ModelFormatException(source, "tensors " + Quoting.quote(prev.name()) + " [" + prev.begin() + ", "
                        + prev.end() + ") and " + Quoting.quote(cur.name()) + " [" + cur.begin() + ", " + cur.end()
                        + ") overlap in the data section");
            }
        }
    }

    private ModelFormatException error(JsonParser p, String problem) {
        return new ModelFormatException(source, problem + " (at file offset " + StrictJson.offset(p, JSON_START) + ")");
    }
}
