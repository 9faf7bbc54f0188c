package dev.sparkllm.engine.format;

/**
 * A metadata value exists but has a different type than the caller asked for. Unchecked because it
 * is raised by typed getters after the file parsed fine: the caller's expectation about the model
 * family is wrong, which is a programming or model-compatibility error rather than I/O.
 */
public class MetadataTypeException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public MetadataTypeException(String source, String key, String expected, String actual) {
        super(source + ": metadata key '" + key + "' holds " + actual + ", expected " + expected);
    }
}
