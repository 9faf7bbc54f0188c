package dev.sparkllm.engine.cuda;

/** The CUDA backend cannot run here or cannot run this model; the message says why. */
public final class CudaUnavailableException extends RuntimeException {
    public CudaUnavailableException(String reason) {
        super("CUDA backend unavailable: " + reason);
    }
}
