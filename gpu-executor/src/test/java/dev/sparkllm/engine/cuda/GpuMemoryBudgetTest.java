package dev.sparkllm.engine.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GpuMemoryBudgetTest {
    private static final long GIB = 1L << 30;

    @Test
    void takesTheFractionOfFreeMemory() {
        assertEquals((long) (70 * GIB * 0.9), GpuMemoryBudget.of(70 * GIB, 80 * GIB, 0.9, 0).bytes());
    }

    @Test
    void sharesTheGpuWithRapidsWhenBothFit() {
        assertEquals((long) (79 * GIB * 0.4), GpuMemoryBudget.of(79 * GIB, 80 * GIB, 0.4, 0.5).bytes());
    }

    @Test
    void refusesWhenRapidsAndTheEngineAskForMoreThanTheCard() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GpuMemoryBudget.of(79 * GIB, 80 * GIB, 0.9, 1.0));
        assertTrue(e.getMessage().contains("spark.llm.gpu.memoryFraction") && e.getMessage().contains("spark.rapids.memory.gpu.allocFraction"), e.getMessage());
    }

    @Test
    void refusesNonsenseFractions() {
        assertThrows(IllegalArgumentException.class, () -> GpuMemoryBudget.of(GIB, GIB, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> GpuMemoryBudget.of(GIB, GIB, 1.5, 0));
        assertThrows(IllegalArgumentException.class, () -> GpuMemoryBudget.of(GIB, GIB, 0.5, -0.1));
    }

    /** Where there is no GPU (CI), the backend says why instead of failing obscurely. */
    @Test
    void availabilityAlwaysExplainsItself() {
        CudaAvailability a = CudaAvailability.probe(0);
        if (a.available()) {
            assertNotNull(a.device());
        } else {
            assertNotNull(a.reason());
            assertFalse(a.reason().isBlank());
            System.out.println("CUDA backend on this machine: " + a.reason());
        }
        assertFalse(CudaAvailability.probe(-1).available());
    }
}
