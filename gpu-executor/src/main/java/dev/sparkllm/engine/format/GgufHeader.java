package dev.sparkllm.engine.format;

import java.util.List;
import java.util.Map;

/**
 * Everything a GGUF header says, fully validated against the file size: the metadata and where
 * each tensor's data lies. Holds no reference to the file's bytes.
 *
 * @param version   GGUF version (2 or 3)
 * @param metadata  key → raw value, in file order (see {@link GgufFile#metadata()} for the value types)
 * @param tensors   tensor infos in file order
 * @param alignment the data alignment (general.alignment or 32)
 * @param dataStart absolute offset where the tensor data section begins
 */
record GgufHeader(int version, Map<String, Object> metadata, List<GgufTensorInfo> tensors, long alignment, long dataStart) {
}
