package dev.sparkllm.engine.runtime;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One submitter's requests in the engine (a Spark task's rows, a CLI run): its user and weight for
 * the fair queue, its results as they finish, and the way to cancel it. Cancelling ends its
 * running sequences at the next step (their KV blocks go back to the pool) and drops the ones not
 * started; the future then completes with what each request had, finish reason "cancelled".
 */
public final class Submission {
    final String user;
    final double weight;
    final int size;
    private final GenerationResult[] results;
    private final CompletableFuture<List<GenerationResult>> future = new CompletableFuture<>();
    private int remaining;
    private volatile boolean cancelled;

    Submission(String user, double weight, int size) {
        if (!(weight > 0) || Double.isInfinite(weight)) throw new IllegalArgumentException("weight must be positive, got " + weight);
        this.user = user == null ? "" : user;
        this.weight = weight;
        this.size = size;
        this.results = new GenerationResult[size];
        this.remaining = size;
    }

    /** Completes with every request's result, in request order. */
    public CompletableFuture<List<GenerationResult>> future() { return future; }

    public void cancel() { cancelled = true; }

    public boolean cancelled() { return cancelled; }

    /** Records one request's result; the last one completes the future. */
    synchronized void complete(int slot, GenerationResult result) {
        if (results[slot] != null) return;
        results[slot] = result;
        if (--remaining == 0) future.complete(List.of(results));
    }

    synchronized void fail(Throwable error) {
        future.completeExceptionally(error);
    }

    @Override
    public String toString() {
        return "Submission[user=" + user + ", weight=" + weight + ", requests=" + size + ", pending=" + remaining
                + (cancelled ? ", cancelled" : "") + "]";
    }

}
