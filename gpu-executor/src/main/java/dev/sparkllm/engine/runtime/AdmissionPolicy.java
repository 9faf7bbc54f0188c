package dev.sparkllm.engine.runtime;

/**
 * Decides whether one more waiting sequence may start running now. The scheduler asks it for each
 * candidate in fair-queue order and stops at the first refusal, so a large request is not starved
 * by smaller ones behind it. Either policy admits a sequence only when all of its prefill's blocks
 * can be taken at once, so neither ever over-commits the KV pool; they differ in what else limits
 * the batch.
 */
interface AdmissionPolicy {

    /**
     * @param running    sequences running now
     * @param needBlocks free blocks the candidate's prefill takes (its cached prefix excluded)
     * @param freeBlocks free blocks in the pool now
     */
    boolean admits(int running, int needBlocks, int freeBlocks);

    /** Whether no candidate can be admitted beside {@code running} sequences, whatever it needs. */
    boolean full(int running);

    /** The policy {@code options} name: {@link EngineOptions#memoryCentric()} picks it. */
    static AdmissionPolicy of(EngineOptions options, int poolBlocks) {
        return options.memoryCentric()
                ? new MemoryCentricAdmission(options.maxSequences(), poolBlocks)
                : new FixedCountAdmission(options.maxSequences());
    }
}
