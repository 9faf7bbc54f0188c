package dev.sparkllm.engine.format;

import java.io.IOException;

/**
 * A model file is malformed or uses a feature the engine does not support. Every parser in this
 * package reports bad input with this one exception, so callers can tell "the file is wrong" apart
 * from bugs. Messages start with the file they are about and say where the problem is (a byte
 * offset, a metadata key or a tensor name).
 */
public class ModelFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message the whole message, which should already name the file and the place */
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @param source the file (or other input) being read, as it should appear to the user */
    public ModelFormatException(String source, String problem) {
        super(source + ": " + problem);
    }

    public ModelFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
    }
}
