"""Helpers the notebooks share: a Spark session with the plugin, a progress display for long
generations, the llm_generate metrics of a query, and saving plots.

Nothing here is needed to use llm_generate from PySpark (the plugin jar and three settings are);
it only keeps the notebooks short. Paths come from the environment when set (ci/notebooks-check.sh
sets them), else from this repository's usual places:

    SPARKLLM_JAR          the plugin jar (spark-plugin/target/spark-plugin-*-all.jar)
    SPARKLLM_MODEL        the default model (~/.cache/sparkllm/models/SmolLM2-135M-Instruct.Q4_1.gguf)
    SPARKLLM_DELTA_JARS   Delta Lake's two jars, comma-separated (from ~/.m2 when unset)
    SPARKLLM_NOTEBOOK_OUT where plots and tables go (out/notebooks)
"""
import glob
import os
import re
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO / "datasets"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DELTA_VERSION = "4.0.0"


def _first(pattern):
    found = sorted(glob.glob(str(pattern)))
    return found[-1] if found else None


def plugin_jar():
    jar = os.environ.get("SPARKLLM_JAR") or _first(REPO / "spark-plugin/target/spark-plugin-*-all.jar")
    if not jar or not os.path.exists(jar):
        raise FileNotFoundError("the plugin jar is missing: build it with `mvn -DskipTests package` "
                                "or set SPARKLLM_JAR")
    return jar


def model_path():
    cache = os.environ.get("SPARKLLM_CACHE", os.path.expanduser("~/.cache/sparkllm"))
    model = os.environ.get("SPARKLLM_MODEL") or os.path.join(cache, "models", MODEL_FILE)
    if not os.path.exists(model):
        raise FileNotFoundError("the default model is missing: run ci/fetch-model.sh or set SPARKLLM_MODEL")
    return model


def delta_jars():
    if os.environ.get("SPARKLLM_DELTA_JARS"):
        return os.environ["SPARKLLM_DELTA_JARS"]
    m2 = Path(os.path.expanduser("~/.m2/repository/io/delta"))
    jars = [m2 / "delta-spark_2.13" / DELTA_VERSION / ("delta-spark_2.13-%s.jar" % DELTA_VERSION),
            m2 / "delta-storage" / DELTA_VERSION / ("delta-storage-%s.jar" % DELTA_VERSION)]
    if not all(j.exists() for j in jars):
        raise FileNotFoundError("Delta's jars are missing: run ci/notebooks-check.sh once, or set "
                                "SPARKLLM_DELTA_JARS")
    return ",".join(str(j) for j in jars)


def out_dir(*parts):
    """A folder under the notebooks' output folder (created)."""
    folder = Path(os.environ.get("SPARKLLM_NOTEBOOK_OUT", REPO / "out" / "notebooks")).joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start_spark(app_name, delta=True, conf=None):
    """A local[2] Spark session with llm_generate (and Delta Lake when `delta`)."""
    from pyspark.sql import SparkSession
    extensions = "dev.sparkllm.spark.LlmSparkExtensions"
    jars = plugin_jar()
    if delta:
        extensions = "io.delta.sql.DeltaSparkSessionExtension," + extensions
        jars += "," + delta_jars()
    builder = (SparkSession.builder.master("local[2]").appName(app_name)
               .config("spark.jars", jars)
               .config("spark.driver.memory", "2g")
               # The CPU engine uses the Java Vector API, an incubator module on Java 17.
               .config("spark.driver.extraJavaOptions", "--add-modules=jdk.incubator.vector")
               .config("spark.sql.extensions", extensions)
               .config("spark.plugins", "dev.sparkllm.spark.LlmSparkPlugin")
               .config("spark.llm.model.default.path", model_path())
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.warehouse.dir", str(out_dir("spark-warehouse")))
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.log.level", "WARN"))
    if delta:
        builder = (builder.config("spark.sql.catalog.spark_catalog",
                                  "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                   # Delta reads its log with 50 tasks by default: far too many for small tables.
                   .config("spark.databricks.delta.snapshotPartitions", "2"))
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def query_metrics(df):
    """The llm_generate metrics of `df`'s last run, as a dict: call it after an action on `df`.

    Keys: 'llm rows', 'llm prompt tokens', 'llm generated tokens', 'llm cached tokens',
    'llm rows with errors', 'llm shared-prefix groups', 'llm prompt tokens shared (planned)',
    'llm tasks (runtime partitioning)', 'llm engine time' (ms).
    """
    jvm = df.sparkSession.sparkContext._jvm
    return {k: int(v) for k, v in jvm.dev.sparkllm.spark.progress.QueryMetrics.of(df._jdf).items()}


def save_plot(fig, name):
    """Writes `fig` as out/notebooks/NAME.png and returns the path (the notebook shows it too)."""
    path = out_dir() / (name + ".png")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    print("plot written to", path)
    return path


def _in_notebook():
    try:
        from IPython import get_ipython
        return get_ipython() is not None and hasattr(get_ipython(), "kernel")
    except ImportError:
        return False


class _Line:
    """One status line: updated in place in a notebook, printed (when it changes) elsewhere."""

    def __init__(self):
        self.notebook = _in_notebook()
        self.handle = None
        self.last = None

    def show(self, text, fraction=None):
        if text == self.last:
            return
        self.last = text
        if not self.notebook:
            print(text, file=sys.stderr, flush=True)
            return
        bundle = {"text/plain": text}
        if fraction is not None:
            bundle["text/html"] = ('<progress value="%.3f" max="1" style="width:30em"></progress> '
                                   '<code>%s</code>' % (fraction, text))
        if self.handle is None:
            from IPython.display import display
            self.handle = display(bundle, raw=True, display_id=True)
        else:
            self.handle.update(bundle, raw=True)


@contextmanager
def llm_progress(spark, total_rows, already_done=0, interval=1.0, this_thread_only=True):
    """Shows rows done, generated tokens/s and ETA of the llm_generate queries run inside the block.

        with llm_progress(spark, total_rows=df.count()):
            rows = df.select(F.expr("llm_generate(prompt)")).collect()

    It reads the operator's metrics as Spark tasks end (dev.sparkllm.spark.progress.JobProgress),
    so it moves one task at a time. Only queries started from this thread count, unless
    `this_thread_only=False` (then every query of the application does). In a notebook the line
    updates in place; elsewhere it is printed to stderr. A summary line is printed at the end.
    """
    sc = spark.sparkContext
    tag = "sparkllm-progress-" + uuid.uuid4().hex
    JobProgress = sc._jvm.dev.sparkllm.spark.progress.JobProgress
    listener = JobProgress.forJobTag(tag) if this_thread_only else JobProgress.forAllJobs()
    progress = listener.register(spark._jsparkSession)
    progress.setTotals(total_rows, already_done)
    sc.addJobTag(tag)
    line = _Line()
    stop = threading.Event()

    def show():
        s = progress.snapshot()
        line.show(s.format(), s.fractionDone())

    def poll():
        while not stop.wait(interval):
            show()

    poller = threading.Thread(target=poll, name="sparkllm-progress", daemon=True)
    poller.start()
    start = time.monotonic()
    try:
        yield progress
    finally:
        stop.set()
        poller.join()
        sc.removeJobTag(tag)
        show()
        s = progress.snapshot()
        progress.close()
        print("done in %.1f s: %d rows generated, %d prompt tokens, %d generated tokens"
              % (time.monotonic() - start, s.rowsDone() - s.rowsAtStart(), s.promptTokens(),
                 s.generatedTokens()))


def generate_job(spark, input, output, **options):
    """Runs the generation job (dev.sparkllm.spark.job.GenerateJob, as spark-submit does) in this
    session and returns its summary as a dict. Keyword options are JobOptions builder methods:
    max_tokens=8, chunk_rows=5, max_chunks=1, retry_errors=True, on_error='null', user='ana', ...
    Its progress line updates in place while it runs; its other lines are printed.
    """
    jvm = spark.sparkContext._jvm
    builder = jvm.dev.sparkllm.spark.job.JobOptions.builder().input(str(input)).output(str(output))
    builder.progressInterval(jvm.java.time.Duration.ofSeconds(1))
    for name, value in options.items():
        camel = name.split("_")[0] + "".join(w.title() for w in name.split("_")[1:])
        getattr(builder, camel)(value)
    buffer = jvm.java.io.ByteArrayOutputStream()
    log = jvm.java.io.PrintStream(buffer, True, "UTF-8")
    line = _Line()
    printed = [0]
    stop = threading.Event()

    def relay(final=False):
        lines = buffer.toString("UTF-8").split("\n")
        lines = lines if final else lines[:-1]  # the last one may still be being written
        for text in lines[printed[0]:]:
            if not text:
                continue
            if text.startswith("progress:"):
                percent = re.search(r"\(([0-9.]+)%\)", text)
                line.show(text, float(percent.group(1)) / 100 if percent else None)
            else:
                print(text, flush=True)
        printed[0] = len(lines)

    def poll():
        while not stop.wait(0.5):
            relay()

    poller = threading.Thread(target=poll, name="sparkllm-job-log", daemon=True)
    poller.start()
    try:
        summary = jvm.dev.sparkllm.spark.job.GenerateJob.run(spark._jsparkSession, builder.build(), log)
    finally:
        stop.set()
        poller.join()
        relay(final=True)
    fields = ["inputRows", "rowsAlreadyDone", "rowsWritten", "rowsReplaced", "rowsWithErrors",
              "promptTokens", "generatedTokens", "cachedTokens", "chunksCommitted", "chunksPlanned",
              "complete", "seconds"]
    return {f: getattr(summary, f)() for f in fields}
