package dev.sparkllm.engine.format;

/** Quotes names taken from a file for error messages, cut short because hostile names may be megabytes long. */
final class Quoting {
    private static final int MAX_CHARS = 120;

    private Quoting() {
    }

    static String quote(String name) {
        return "'" + (name.length() <= MAX_CHARS ? name : name.substring(0, MAX_CHARS) + "...") + "'";
    }
}
