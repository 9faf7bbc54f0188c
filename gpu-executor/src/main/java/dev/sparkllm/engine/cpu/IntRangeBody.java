package dev.sparkllm.engine.cpu;

/** A piece of parallel work: handle items [from, to) on worker {@code worker} (0 = the calling thread). */
@FunctionalInterface
public interface IntRangeBody {
    /**
     * @param worker index in [0, {@link Parallel#threads()}), stable per thread for the duration of
     *               one parallelFor, so it can pick that worker's scratch buffers
     */
    void run(int worker, int from, int to);
}
