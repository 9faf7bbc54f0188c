package dev.sparkllm.engine.format;

/**
 * One tensor of a safetensors header, validated against the file.
 *
 * @param name  the tensor's name
 * @param dtype the dtype as written (may be one the engine cannot load)
 * @param shape row-major shape, outermost dimension first; entries are non-negative
 * @param begin start of its bytes, relative to the data section after the header
 * @param end   end (exclusive) of its bytes, relative to the data section
 */
record SafetensorsEntry(String name, String dtype, long[] shape, long begin, long end) {

    long byteSize() {
        return end - begin;
    }

    @Override
    public String toString() {
        return name + "[" + dtype + ", shape " + java.util.Arrays.toString(shape) + ", bytes " + begin + ".." + end + "]";
    }
}
