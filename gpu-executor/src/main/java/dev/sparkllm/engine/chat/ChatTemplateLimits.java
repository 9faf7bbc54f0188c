package dev.sparkllm.engine.chat;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on one template render. Templates come from model files, so they are untrusted code: each
 * limit stops a different way a hostile or broken template could hang or exhaust the engine.
 *
 * @param timeout           wall-clock budget of one render; past it the render is abandoned
 * @param maxOutputChars    most characters a render may produce (also caps every intermediate string)
 * @param maxTemplateChars  largest template source accepted
 * @param maxRangeLength    most elements {@code range(...)} may produce (jinja2's sandbox uses 100000)
 * @param maxCollectionSize most elements of any list or map built while rendering
 * @param maxMacroDepth     deepest recursion of macros calling themselves
 */
public record ChatTemplateLimits(
        Duration timeout,
        int maxOutputChars,
        int maxTemplateChars,
        int maxRangeLength,
        int maxCollectionSize,
        int maxMacroDepth) {

    public static final ChatTemplateLimits DEFAULT =
            new ChatTemplateLimits(Duration.ofSeconds(1), 1 << 20, 1 << 20, 100_000, 100_000, 64);

    public ChatTemplateLimits {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        if (maxOutputChars <= 0) throw new IllegalArgumentException("maxOutputChars must be positive");
        if (maxTemplateChars <= 0) throw new IllegalArgumentException("maxTemplateChars must be positive");
        if (maxRangeLength <= 0) throw new IllegalArgumentException("maxRangeLength must be positive");
        if (maxCollectionSize <= 0) throw new IllegalArgumentException("maxCollectionSize must be positive");
        if (maxMacroDepth <= 0) throw new IllegalArgumentException("maxMacroDepth must be positive");
    }

    public ChatTemplateLimits withTimeout(Duration newTimeout) {
        return new ChatTemplateLimits(newTimeout, maxOutputChars, maxTemplateChars, maxRangeLength, maxCollectionSize, maxMacroDepth);
    }

    public ChatTemplateLimits withMaxOutputChars(int chars) {
        return new ChatTemplateLimits(timeout, chars, maxTemplateChars, maxRangeLength, maxCollectionSize, maxMacroDepth);
    }
}
