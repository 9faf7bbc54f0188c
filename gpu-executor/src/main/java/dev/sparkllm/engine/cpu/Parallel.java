package dev.sparkllm.engine.cpu;

/**
 * The engine-wide {@link WorkerPool} that the CPU kernels split their work over. It starts with
 * {@code Runtime.availableProcessors()} threads on first use; the CLI sets {@code --threads} with
 * {@link #setThreads} before the first forward pass.
 */
public final class Parallel {
    private Parallel() {}

    private static volatile WorkerPool pool;

    /** Replaces the pool with one of {@code threads} workers (the calling thread counts as one). */
    public static synchronized void setThreads(int threads) {
        WorkerPool old = pool;
        if (old != null && old.threads() == threads) return;
        pool = new WorkerPool(threads);
        if (old != null) old.close();
    }

    /** Number of workers, which is also the number of distinct worker indexes a body can see. */
    public static int threads() {
        return pool().threads();
    }

    /** Runs {@code body} over [0, n) in parallel; see {@link WorkerPool#parallelFor}. */
    public static void parallelFor(int n, IntRangeBody body) {
        pool().parallelFor(n, body);
    }

    static WorkerPool pool() {
        WorkerPool p = pool;
        if (p != null) return p;
        synchronized (Parallel.class) {
            if (pool == null) pool = new WorkerPool(Runtime.getRuntime().availableProcessors());
            return pool;
        }
    }
}
