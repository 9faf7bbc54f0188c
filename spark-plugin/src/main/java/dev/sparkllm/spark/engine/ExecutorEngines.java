package dev.sparkllm.spark.engine;

import dev.sparkllm.engine.cpu.Parallel;
import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.model.ModelLoader;
import dev.sparkllm.engine.cuda.CudaAvailability;
import dev.sparkllm.engine.cuda.CudaSettings;
import dev.sparkllm.engine.cuda.GpuMemoryBudget;
import dev.sparkllm.engine.runtime.Backends;
import dev.sparkllm.engine.runtime.EngineOptions;
import dev.sparkllm.engine.runtime.InferenceEngine;
import java.io.IOException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * The engines of this JVM, one per model, loaded on first use and kept until the executor (or,
 * in local mode, the application) shuts down: a model is loaded once per executor, never per
 * task or partition.
 */
public final class ExecutorEngines {
  public static final String THREADS = "spark.llm.engine.threads";
  public static final String MAX_SEQUENCES = "spark.llm.engine.maxSequences";
  public static final String MAX_STEP_TOKENS = "spark.llm.engine.maxStepTokens";
  public static final String MAX_CONTEXT = "spark.llm.engine.maxContext";
  public static final String KV_CACHE_MIB = "spark.llm.engine.kvCacheMiB";
  public static final String PREFIX_SHARING = "spark.llm.engine.prefixSharing";
  /** auto (the GPU when one can run the model, else the CPU, the reason logged), cuda, or cpu. */
  public static final String BACKEND = "spark.llm.engine.backend";
  /** Share of the GPU's free memory the engine takes (weights, workspace and KV pool). */
  public static final String GPU_MEMORY_FRACTION = "spark.llm.gpu.memoryFraction";
  /** The GPU when Spark assigns none (local mode): an ordinal. */
  public static final String GPU_ORDINAL = "spark.llm.gpu.ordinal";
  static final String RAPIDS_PLUGIN = "com.nvidia.spark.SQLPlugin";
  /** maxStepTokens when the engine runs on a GPU and the setting is not given: prefill steps big enough to fill it. */
  static final int GPU_MAX_STEP_TOKENS = 2048;
  static final String RAPIDS_ALLOC_FRACTION = "spark.rapids.memory.gpu.allocFraction";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ExecutorEngines.class);
  private static String assignedGpu;

  private static final Map<String, SharedEngine> ENGINES = new HashMap<>();
  private static final Map<String, Integer> LOADS = new HashMap<>();
  private static RootAllocator allocator;

  private ExecutorEngines() {}

  /** The GPU address Spark assigned to this executor (called by the executor plugin). */
  public static synchronized void assignGpu(String address) {
    assignedGpu = address;
  }

  /**
   * Where the CUDA backend runs and how much of the GPU it takes. With Spark RAPIDS in the same
   * executor, RAPIDS' pool fraction (default 1.0, as RAPIDS has it) counts against the card, so
   * the two together asking for more than it has is refused with both settings named.
   */
  static CudaSettings cudaSettings(SparkConf conf, String assigned) {
    int ordinal = conf.getInt(GPU_ORDINAL, 0);
    if (assigned != null) {
      try {
        ordinal = Integer.parseInt(assigned.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Spark assigned GPU address '" + assigned + "', which is not a CUDA ordinal");
      }
    }
    boolean rapids = conf.get("spark.plugins", "").contains(RAPIDS_PLUGIN);
    double rapidsFraction = rapids ? conf.getDouble(RAPIDS_ALLOC_FRACTION, 1.0) : 0.0;
    return new CudaSettings(ordinal, conf.getDouble(GPU_MEMORY_FRACTION, GpuMemoryBudget.DEFAULT_FRACTION), rapidsFraction);
  }

  public static synchronized SharedEngine get(String model) {
    SharedEngine engine = ENGINES.get(model);
    if (engine == null) {
      engine = load(SparkEnv.get().conf(), model);
      ENGINES.put(model, engine);
      LOADS.merge(model, 1, Integer::sum);
    }
    return engine;
  }

  private static SharedEngine load(SparkConf conf, String name) {
    try {
      Path path = ModelRegistry.localPath(conf, name);
      if (conf.contains(THREADS)) {
        Parallel.setThreads(conf.getInt(THREADS, 1));
      }
      CudaSettings cuda = cudaSettings(conf, assignedGpu);
      boolean gpu = !"cpu".equalsIgnoreCase(conf.get(BACKEND, "auto").trim())
          && CudaAvailability.probe(cuda.ordinal()).available();
      EngineOptions options = new EngineOptions(conf.getInt(MAX_SEQUENCES, EngineOptions.DEFAULT.maxSequences()),
          conf.getInt(MAX_STEP_TOKENS, gpu ? GPU_MAX_STEP_TOKENS : EngineOptions.DEFAULT.maxStepTokens()),
          conf.getInt(MAX_CONTEXT, EngineOptions.DEFAULT.maxContext()))
          .withPrefixSharing(conf.getBoolean(PREFIX_SHARING, true));
      if (conf.contains(KV_CACHE_MIB)) {
        options = options.withKvCacheBytes(conf.getLong(KV_CACHE_MIB, 512) << 20);
      }
      LoadedModel model = ModelLoader.load(path);
      try {
        InferenceEngine engine = Backends.open(model, options, conf.get(BACKEND, "auto"), cuda, LOG::info);
        return new SharedEngine(name, model, engine);
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load model '" + name + "': " + e.getMessage(), e);
    }
  }

  /** A child of this JVM's Arrow allocator for one task's batches; the task closes it. */
  public static synchronized BufferAllocator newTaskAllocator(String name) {
    if (allocator == null) {
      allocator = new RootAllocator();
    }
    return allocator.newChildAllocator(name, 0, Long.MAX_VALUE);
  }

  /** How many times this JVM has loaded the model (once, unless it was shut down in between). */
  public static synchronized int loads(String model) {
    return LOADS.getOrDefault(model, 0);
  }

  /** Frees every engine; called when the executor shuts down. */
  public static synchronized void closeAll() {
    ENGINES.values().forEach(SharedEngine::close);
    ENGINES.clear();
    if (allocator != null) {
      allocator.close();
      allocator = null;
    }
  }
}
