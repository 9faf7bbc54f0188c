package dev.sparkllm.engine.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.sparkllm.engine.tensor.WeightTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One lookup over the weights of a Hugging Face model directory, whether it holds a single
 * {@code model.safetensors} or shards listed by {@code model.safetensors.index.json}. Every shard
 * is opened (and so validated) up front, and every tensor the index names must exist in its shard.
 */
public final class SafetensorsIndex implements AutoCloseable {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";
    /** Index files list one line per tensor; even the largest models stay far below this. */
    static final long MAX_INDEX_BYTES = 64L << 20;

    private final List<SafetensorsFile> shards;
    /** Tensor name → the shard holding it, in index (or header) order. */
    private final Map<String, SafetensorsFile> shardOf;

    private SafetensorsIndex(List<SafetensorsFile> shards, Map<String, SafetensorsFile> shardOf) {
        this.shards = shards;
        this.shardOf = shardOf;
    }

    /**
     * Opens a model directory, an index file or a single safetensors file.
     *
     * @throws ModelFormatException if the directory holds neither file, or the index or a shard is malformed
     */
    public static SafetensorsIndex open(Path location) throws IOException {
        if (Files.isDirectory(location)) {
            Path index = location.resolve(INDEX_FILE);
            if (Files.exists(index)) return fromIndex(index);
            Path single = location.resolve(SINGLE_FILE);
            if (Files.exists(single)) return fromSingle(single);
            throw new ModelFormatException(location.toString(), "directory contains neither " + SINGLE_FILE + " nor " + INDEX_FILE);
        }
        String name = location.getFileName() == null ? "" : location.getFileName().toString();
        return name.endsWith(".index.json") ? fromIndex(location) : fromSingle(location);
    }

    public Set<String> tensorNames() {
        return Collections.unmodifiableSet(shardOf.keySet());
    }

    public boolean hasTensor(String name) {
        return shardOf.containsKey(name);
    }

    /** @throws IllegalArgumentException for an unknown name */
    public long[] shape(String name) {
        return shard(name).shape(name);
    }

    /** @throws IllegalArgumentException for an unknown name */
    public String dtype(String name) {
        return shard(name).dtype(name);
    }

    /** @throws ModelFormatException if no shard has the tensor, or it cannot be loaded (see {@link SafetensorsFile#tensor}) */
    public WeightTensor tensor(String name) throws IOException {
        SafetensorsFile f = shardOf.get(name);
        if (f == null) {
            throw new ModelFormatException(describeLocation(), "no tensor named " + Quoting.quote(name));
        }
        return f.tensor(name);
    }

    @Override
    public void close() throws IOException {
        closeAll(shards);
    }

    private SafetensorsFile shard(String name) {
        SafetensorsFile f = shardOf.get(name);
        if (f == null) throw new IllegalArgumentException(describeLocation() + ": no tensor named " + Quoting.quote(name));
        return f;
    }

    private String describeLocation() {
        Path first = shards.isEmpty() ? null : shards.get(0).path().getParent();
        return first == null ? "safetensors model" : first.toString();
    }

    private static SafetensorsIndex fromSingle(Path file) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(file);
        Map<String, SafetensorsFile> shardOf = new LinkedHashMap<>();
        for (String name : f.tensorNames()) shardOf.put(name, f);
        return new SafetensorsIndex(List.of(f), shardOf);
    }

    private static SafetensorsIndex fromIndex(Path indexFile) throws IOException {
        Map<String, String> weightMap = readWeightMap(indexFile);
        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, SafetensorsFile> byShardName = new LinkedHashMap<>();
        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            Map<String, SafetensorsFile> shardOf = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                SafetensorsFile shard = byShardName.get(e.getValue());
                if (shard == null) {
                    Path shardPath = dir.resolve(e.getValue());
                    if (!Files.isRegularFile(shardPath)) {
                        throw new ModelFormatException(indexFile.toString(), "weight_map puts tensor " + Quoting.quote(e.getKey())
                                + " in shard " + Quoting.quote(e.getValue()) + ", which does not exist");
                    }
                    shard = SafetensorsFile.open(shardPath);
                    opened.add(shard);
                    byShardName.put(e.getValue(), shard);
                }
                if (!shard.hasTensor(e.getKey())) {
                    throw new ModelFormatException(indexFile.toString(), "weight_map puts tensor " + Quoting.quote(e.getKey())
                            + " in shard " + Quoting.quote(e.getValue()) + ", which has no such tensor");
                }
                shardOf.put(e.getKey(), shard);
            }
            return new SafetensorsIndex(List.copyOf(opened), shardOf);
        } catch (IOException | RuntimeException | Error e) {
            try {
                closeAll(opened);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The index's weight_map (tensor → shard file name); its other fields are skipped unread. */
    private static Map<String, String> readWeightMap(Path indexFile) throws IOException {
        String source = indexFile.toString();
        long size = Files.size(indexFile);
        if (size > MAX_INDEX_BYTES) {
            throw new ModelFormatException(source, "index file of " + size + " bytes is larger than the " + MAX_INDEX_BYTES + " bytes accepted");
        }
        byte[] json = Files.readAllBytes(indexFile);
        try (JsonParser p = StrictJson.parser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ModelFormatException(source, "index is " + StrictJson.describe(p.currentToken()) + ", expected a JSON object");
            }
            Map<String, String> weightMap = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if ("weight_map".equals(field)) {
                    weightMap = readWeightMapObject(p, source);
                } else {
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new ModelFormatException(source, "unexpected content after the index object at offset " + StrictJson.offset(p, 0));
            }
            if (weightMap == null) {
                throw new ModelFormatException(source, "index has no weight_map");
            }
            return weightMap;
        } catch (JsonProcessingException e) {
            throw StrictJson.syntaxError(source, "the index", e, 0);
        }
    }

    private static Map<String, String> readWeightMapObject(JsonParser p, String source) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new ModelFormatException(source, "weight_map is " + StrictJson.describe(p.currentToken()) + ", expected an object");
        }
        Map<String, String> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String tensor = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new ModelFormatException(source, "weight_map entry for " + Quoting.quote(tensor) + " is "
                        + StrictJson.describe(p.currentToken()) + ", expected a shard file name");
            }
            map.put(tensor, checkedShardName(p.getText(), tensor, source));
        }
        return map;
    }

    /** Shards must sit next to the index: a name with a path in it could point anywhere on disk. */
    private static String checkedShardName(String shard, String tensor, String source) throws ModelFormatException {
        if (shard.isEmpty() || shard.equals(".") || shard.equals("..") || shard.indexOf('/') >= 0
                || shard.indexOf('\\') >= 0 || shard.indexOf('\0') >= 0) {
            throw new ModelFormatException(source, "weight_map entry for " + Quoting.quote(tensor) + " names shard "
                    + Quoting.quote(shard) + ", which is not a plain file name in the model directory");
        }
        return shard;
    }

    private static void closeAll(List<SafetensorsFile> files) throws IOException {
        IOException first = null;
        for (SafetensorsFile f : files) {
            try {
                f.close();
            } catch (IOException e) {
                if (first == null) first = e; else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
