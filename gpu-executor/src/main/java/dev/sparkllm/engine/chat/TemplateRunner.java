package dev.sparkllm.engine.chat;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs one render on a worker thread and waits for it at most the time limit (plus a short grace for
 * the worker to notice its own deadline and report the precise error).
 *
 * <p>Why a separate thread when every hook already checks the deadline: the checks run between
 * template operations, and a single jinjava built-in could still take long; the caller must get its
 * answer on time regardless. A worker also gets a large, known stack, so a deeply nested hostile
 * template ends in a clean error instead of a StackOverflowError in the caller. A worker that is
 * abandoned keeps running only until its next guard check, which fails at once.
 */
final class TemplateRunner {

    private static final long GRACE_MILLIS = 250;
    private static final long WORKER_STACK_BYTES = 16L << 20;

    private static final ThreadPoolExecutor WORKERS = new ThreadPoolExecutor(
            0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), new WorkerFactory());

    private TemplateRunner() {
    }

    /** Runs {@code work} under {@code guard}; failures of any kind come back as ChatTemplateException. */
    static <T> T run(RenderGuard guard, Supplier<T> work) {
        Future<T> future = WORKERS.submit(() -> {
            guard.bindToCurrentThread();
            try {
                return work.get();
            } finally {
                RenderGuard.unbindCurrentThread();
            }
        });
        long waitMillis = guard.limits().timeout().toMillis() + GRACE_MILLIS;
        try {
            return future.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            String message = "chat template render exceeded its time limit of "
                    + guard.limits().timeout().toMillis() + " ms";
            guard.cancel(message);
            future.cancel(true);
            throw new ChatTemplateException(message);
        } catch (InterruptedException e) {
            guard.cancel("chat template render was interrupted");
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ChatTemplateException("chat template render was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (guard.failure() != null) throw new ChatTemplateException(guard.failure(), cause);
            if (cause instanceof ChatTemplateException cte) throw cte;
            if (cause instanceof StackOverflowError) {
                throw new ChatTemplateException("chat template nests too deeply (stack exhausted)", cause);
            }
            if (cause instanceof OutOfMemoryError) {
                throw new ChatTemplateException("chat template ran out of memory", cause);
            }
            throw new ChatTemplateException("chat template failed: " + cause, cause);
        }
    }

    private static final class WorkerFactory implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(null, r, "chat-template-" + count.incrementAndGet(), WORKER_STACK_BYTES);
            t.setDaemon(true);
            return t;
        }
    }
}
