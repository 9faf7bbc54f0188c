package dev.sparkllm.engine.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One tensor lookup over a single-file or sharded Hugging Face model directory. */
class SafetensorsIndexTest {
    @TempDir
    Path dir;

    private void shards() throws IOException {
        Files.write(dir.resolve("model-00001-of-00002.safetensors"), new SafetensorsTestWriter()
                .tensor("embed", "F32", new long[] {2, 2}, SafetensorsTestWriter.f32(1, 2, 3, 4)).build());
        Files.write(dir.resolve("model-00002-of-00002.safetensors"), new SafetensorsTestWriter()
                .tensor("norm", "F32", new long[] {2}, SafetensorsTestWriter.f32(5, 6))
                .tensor("unlisted", "F32", new long[] {1}, SafetensorsTestWriter.f32(7)).build());
    }

    private void index(String weightMap) throws IOException {
        Files.writeString(dir.resolve(SafetensorsIndex.INDEX_FILE),
                "{\"metadata\": {\"total_size\": 24, \"nested\": [[1], {\"a\": null}]}, \"weight_map\": {" + weightMap + "}}");
    }

    private ModelFormatException assertRejected(Path location, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsIndex.open(location).close());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void singleFileDirectory() throws IOException {
        Files.write(dir.resolve("model.safetensors"), SafetensorsTestWriter.smallValidFile());
        try (SafetensorsIndex idx = SafetensorsIndex.open(dir)) {
            assertEquals(Set.of("w", "h", "b", "ids"), idx.tensorNames());
            assertEquals(6f, idx.tensor("w").data().getFloat(20));
            assertEquals("I64", idx.dtype("ids"));
        }
    }

    @Test
    void shardedDirectory() throws IOException {
        shards();
        index("\"embed\": \"model-00001-of-00002.safetensors\", \"norm\": \"model-00002-of-00002.safetensors\"");
        try (SafetensorsIndex idx = SafetensorsIndex.open(dir)) {
            assertEquals(Set.of("embed", "norm"), idx.tensorNames());
            assertTrue(idx.hasTensor("norm"));
            assertFalse(idx.hasTensor("unlisted"), "the index decides which tensors exist");
            assertEquals(4f, idx.tensor("embed").data().getFloat(12));
            assertEquals(6f, idx.tensor("norm").data().getFloat(4));
            assertArrayEquals(new long[] {2, 2}, idx.shape("embed"));
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> idx.tensor("missing"));
            assertTrue(e.getMessage().contains("no tensor named 'missing'"), e.getMessage());
        }
        try (SafetensorsIndex idx = SafetensorsIndex.open(dir.resolve(SafetensorsIndex.INDEX_FILE))) {
            assertEquals(2, idx.tensorNames().size());
        }
    }

    @Test
    void emptyDirectory() {
        assertRejected(dir, "neither model.safetensors nor model.safetensors.index.json");
    }

    @Test
    void indexNamingATensorItsShardLacks() throws IOException {
        shards();
        index("\"embed\": \"model-00002-of-00002.safetensors\"");
        assertRejected(dir, "'embed'", "'model-00002-of-00002.safetensors'", "has no such tensor");
    }

    @Test
    void indexNamingAMissingShard() throws IOException {
        shards();
        index("\"embed\": \"model-00009-of-00009.safetensors\"");
        assertRejected(dir, "'model-00009-of-00009.safetensors'", "does not exist");
    }

    @Test
    void shardNamesCannotEscapeTheDirectory() throws IOException {
        shards();
        index("\"embed\": \"../model-00001-of-00002.safetensors\"");
        assertRejected(dir, "not a plain file name");
    }

    @Test
    void malformedIndexes() throws IOException {
        Files.writeString(dir.resolve(SafetensorsIndex.INDEX_FILE), "{\"metadata\": {}}");
        assertRejected(dir, "no weight_map");
        Files.writeString(dir.resolve(SafetensorsIndex.INDEX_FILE), "{\"weight_map\": [\"a\"]}");
        assertRejected(dir, "weight_map is an array");
        Files.writeString(dir.resolve(SafetensorsIndex.INDEX_FILE), "{\"weight_map\": {\"a\": 3}}");
        assertRejected(dir, "entry for 'a' is an integer");
        Files.writeString(dir.resolve(SafetensorsIndex.INDEX_FILE), "{\"weight_map\": {");
        assertRejected(dir, "invalid JSON");
    }

    @Test
    void aBrokenShardIsReported() throws IOException {
        Files.write(dir.resolve("a.safetensors"), new byte[3]);
        index("\"x\": \"a.safetensors\"");
        assertRejected(dir, "a.safetensors: file of 3 bytes is too short");
    }
}
