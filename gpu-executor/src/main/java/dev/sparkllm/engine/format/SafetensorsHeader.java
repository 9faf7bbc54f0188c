package dev.sparkllm.engine.format;

import java.util.Map;

/**
 * A parsed and validated safetensors header.
 *
 * @param metadata  the {@code __metadata__} strings (empty if absent)
 * @param entries   tensor name → entry, in header order
 * @param dataStart absolute offset of the data section (8 + header length)
 */
record SafetensorsHeader(Map<String, String> metadata, Map<String, SafetensorsEntry> entries, long dataStart) {
}
