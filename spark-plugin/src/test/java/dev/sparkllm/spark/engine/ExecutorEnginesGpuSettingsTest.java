package dev.sparkllm.spark.engine;

import dev.sparkllm.engine.cuda.CudaSettings;
import dev.sparkllm.engine.cuda.GpuMemoryBudget;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which GPU an executor's engine uses and how much of it, from Spark's settings (no GPU needed). */
class ExecutorEnginesGpuSettingsTest {
    @Test
    void theGpuSparkAssignedWinsOverTheConfiguredOrdinal() {
        SparkConf conf = new SparkConf(false).set(ExecutorEngines.GPU_ORDINAL, "1");
        assertEquals(1, ExecutorEngines.cudaSettings(conf, null).ordinal());
        assertEquals(3, ExecutorEngines.cudaSettings(conf, "3").ordinal());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExecutorEngines.cudaSettings(conf, "gpu-a"));
        assertTrue(e.getMessage().contains("gpu-a"), e.getMessage());
    }

    @Test
    void rapidsPoolCountsOnlyWhenTheRapidsPluginRuns() {
        SparkConf plain = new SparkConf(false).set(ExecutorEngines.RAPIDS_ALLOC_FRACTION, "0.5");
        assertEquals(0.0, ExecutorEngines.cudaSettings(plain, null).rapidsFraction());
        SparkConf rapids = new SparkConf(false).set("spark.plugins", "dev.sparkllm.spark.LlmSparkPlugin," + ExecutorEngines.RAPIDS_PLUGIN);
        CudaSettings s = ExecutorEngines.cudaSettings(rapids, null);
        assertEquals(1.0, s.rapidsFraction(), "RAPIDS' own default pool is the whole GPU");
        assertEquals(GpuMemoryBudget.DEFAULT_FRACTION, s.memoryFraction());
        // Its default and ours cannot both be had: the engine refuses to start, naming both settings.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GpuMemoryBudget.of(79L << 30, 80L << 30, s.memoryFraction(), s.rapidsFraction()));
        assertTrue(e.getMessage().contains("spark.rapids.memory.gpu.allocFraction"), e.getMessage());
        SparkConf shared = rapids.clone().set(ExecutorEngines.RAPIDS_ALLOC_FRACTION, "0.5").set(ExecutorEngines.GPU_MEMORY_FRACTION, "0.45");
        CudaSettings fits = ExecutorEngines.cudaSettings(shared, null);
        assertEquals((long) ((79L << 30) * 0.45), GpuMemoryBudget.of(79L << 30, 80L << 30, fits.memoryFraction(), fits.rapidsFraction()).bytes());
    }
}
