package dev.sparkllm.engine.runtime;

/**
 * Memory-centric admission (BatchLLM): the batch is as large as the KV pool allows. A sequence
 * starts when its prefill's blocks fit in the free blocks minus a small reserve (1/64 of the pool,
 * at least one block) kept for the decode tokens of the sequences already running, whose next
 * block would otherwise be taken and force a preemption at once. {@code maxSequences} is only a
 * safety ceiling (it sizes the host logits buffer), not the batch size.
 */
final class MemoryCentricAdmission implements AdmissionPolicy {
    private final int maxSequences;
    private final int reserveBlocks;

    MemoryCentricAdmission(int maxSequences, int poolBlocks) {
        this.maxSequences = maxSequences;
        this.reserveBlocks = Math.max(1, poolBlocks / 64);
    }

    @Override
    public boolean admits(int running, int needBlocks, int freeBlocks) {
        if (full(running)) return false;
        // The first sequence gets the whole pool: nothing running needs the reserve yet.
        int reserve = running == 0 ? 0 : reserveBlocks;
        return needBlocks + reserve <= freeBlocks;
    }

    @Override
    public boolean full(int running) { return running >= maxSequences; }

    @Override
    public String toString() {
        return "memory-centric (reserve " + reserveBlocks + " blocks, at most " + maxSequences + " sequences)";
    }
}
