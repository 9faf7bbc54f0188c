/**
 * Model file parsers (GGUF, safetensors) built to survive hostile input: every length, count and
 * offset is checked against the file size before anything is allocated, and every malformation is
 * reported as one {@link dev.sparkllm.engine.format.ModelFormatException} naming the file, the
 * problem and where it is. Tensor data is memory-mapped per tensor, never copied onto the heap.
 */
package dev.sparkllm.engine.format;
