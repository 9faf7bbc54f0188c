package dev.sparkllm.engine.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import java.time.Clock;

/**
 * The limits and the first failure of one render, reachable from every hook the sandbox installs
 * in jinjava (node pre-processor, EL resolver, functions, filters).
 *
 * <p>Why a thread-local: jinjava calls our hooks through static functions and shared library objects,
 * so there is no per-render object to hang state on. Each render runs on its own worker thread, which
 * binds its guard for exactly the duration of the render.
 *
 * <p>Why a sticky failure: jinjava turns most exceptions into "errors" and carries on rendering. Once a
 * render has failed (raise_exception, sandbox violation, timeout), every later check throws again, so
 * the remaining nodes unwind immediately, and the caller reports the first failure, not jinjava's
 * wrapped copy of it.
 */
final class RenderGuard {

    private static final ThreadLocal<RenderGuard> CURRENT = new ThreadLocal<>();

    private final long deadlineNanos;
    private final ChatTemplateLimits limits;
    private final Clock clock;
    private volatile String failure;
    // How many errors jinjava had recorded when this render failed, to tell which failure came first.
    private int jinjavaErrorsAtFailure = Integer.MAX_VALUE;

    RenderGuard(ChatTemplateLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
        this.deadlineNanos = System.nanoTime() + limits.timeout().toNanos();
    }

    /** The clock strftime_now reads; injectable so date-stamping templates can be tested. */
    Clock clock() {
        return clock;
    }

    ChatTemplateLimits limits() {
        return limits;
    }

    /** The guard of the render running on this thread. */
    static RenderGuard current() {
        RenderGuard guard = CURRENT.get();
        if (guard == null) {
            // A hook ran outside ChatTemplate.render: refuse rather than run unbounded.
            throw new Abort("chat template code ran outside a guarded render");
        }
        return guard;
    }

    void bindToCurrentThread() {
        CURRENT.set(this);
    }

    static void unbindCurrentThread() {
        CURRENT.remove();
    }

    /** Throws if the render has already failed or is out of time. Cheap enough to call per node. */
    void check() {
        String f = failure;
        if (f != null) throw new Abort(f);
        if (System.nanoTime() - deadlineNanos > 0) {
            throw fail("chat template render exceeded its time limit of " + limits.timeout().toMillis() + " ms");
        }
    }

    /** Checks the current render's guard if one is bound; pure helpers also run outside renders (tests). */
    static void checkCurrentIfBound() {
        RenderGuard guard = CURRENT.get();
        if (guard != null) guard.check();
    }

    /**
     * The exception for a failed template operation: recorded in the current render's guard (so jinjava
     * cannot swallow it) when one is bound, a plain IllegalArgumentException otherwise (unit tests).
     */
    static RuntimeException failCurrent(String message) {
        RenderGuard guard = CURRENT.get();
        return guard != null ? guard.fail(message) : new IllegalArgumentException(message);
    }

    /** Checks a string size against the current render's output budget, if a render is running. */
    static void checkSizeIfBound(long chars) {
        RenderGuard guard = CURRENT.get();
        if (guard != null) guard.checkSize(chars);
    }

    /** Shorthand for {@code current().check()}. */
    static void checkCurrent() {
        current().check();
    }

    /** Throws if a string of {@code chars} characters would exceed the output budget. */
    void checkSize(long chars) {
        if (chars > limits.maxOutputChars()) {
            throw fail("chat template produced a string of " + chars + " characters, over the limit of "
                    + limits.maxOutputChars());
        }
    }

    void checkCollectionSize(long elements) {
        if (elements > limits.maxCollectionSize()) {
            throw fail("chat template built a collection of " + elements + " elements, over the limit of "
                    + limits.maxCollectionSize());
        }
    }

    /** Records the failure (the first one wins) and returns the exception to throw into jinjava. */
    Abort fail(String message) {
        synchronized (this) {
            if (failure == null) {
                failure = message;
                JinjavaInterpreter.getCurrentMaybe().ifPresent(i -> jinjavaErrorsAtFailure = i.getErrorsCopy().size());
            }
        }
        return new Abort(message);
    }

    /** Number of jinjava errors recorded before this render failed (MAX_VALUE if unknown or not failed). */
    synchronized int jinjavaErrorsAtFailure() {
        return jinjavaErrorsAtFailure;
    }

    /** Called by the waiting thread when it gives up, so the worker stops at its next check. */
    void cancel(String message) {
        fail(message);
    }

    /** The first failure, or null if the render has not failed. */
    String failure() {
        return failure;
    }

    /**
     * Thrown into jinjava to unwind a failed render. Not a ChatTemplateException on purpose: jinjava
     * wraps whatever it catches, and the caller rebuilds a clean exception from {@link #failure()}.
     */
    static final class Abort extends RuntimeException {
        Abort(String message) {
            super(message, null, false, false);
        }
    }
}
