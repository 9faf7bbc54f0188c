package dev.sparkllm.engine.runtime;

/**
 * The fixed-count baseline: a static batch of {@code sequences} slots, as llama.cpp's
 * {@code --parallel} or a static batch size gives. A waiting sequence starts when a slot is free,
 * however much memory is left; it still waits while its prefill's blocks do not fit, since the
 * pool is never over-committed. No reserve is kept for running decodes: a slot-based engine does
 * not look at memory to size its batch.
 */
final class FixedCountAdmission implements AdmissionPolicy {
    private final int sequences;

    FixedCountAdmission(int sequences) {
        if (sequences < 1) throw new IllegalArgumentException("a fixed batch needs at least one sequence");
        this.sequences = sequences;
    }

    @Override
    public boolean admits(int running, int needBlocks, int freeBlocks) {
        return !full(running) && needBlocks <= freeBlocks;
    }

    @Override
    public boolean full(int running) { return running >= sequences; }

    @Override
    public String toString() { return "fixed count (" + sequences + " sequences)"; }
}
