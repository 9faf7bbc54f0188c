# Sourced by the ci/ scripts: repository root, JVM flags, and the engine CLI jar location.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The Vector API is an incubator module on Java 17; Arrow needs java.nio opened.
JVM_FLAGS=(--add-modules=jdk.incubator.vector --add-opens=java.base/java.nio=ALL-UNNAMED
           --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -XX:+UseParallelGC)
CLI_JAR_GLOB="$REPO_ROOT/gpu-executor/target/gpu-executor-*-cli.jar"
# Python packages for reference generation and benchmarks live in a venv outside the repo.
PY_VENV="${SPARKLLM_CACHE:-$HOME/.cache/sparkllm}/venv"

cli_jar() { ls $CLI_JAR_GLOB 2>/dev/null | head -n 1; }

build_cli_jar() {
  if [ -z "$(cli_jar)" ] || [ -n "$(find "$REPO_ROOT/gpu-executor/src/main" -newer "$(cli_jar)" -type f | head -n 1)" ]; then
    (cd "$REPO_ROOT" && mvn -B -q -DskipTests -pl gpu-executor -am install) >&2
  fi
  cli_jar
}

# A Python with the pinned reference packages (llama_cpp 0.3.36, numpy, pyarrow): the machine's own
# when it already has them, else a venv that gets them (llama-cpp-python builds from source:
# minutes, once).
LLAMA_CPP_VERSION=0.3.36
python_env() {
  local check="import llama_cpp, numpy, pyarrow, sys; sys.exit(llama_cpp.__version__ != '$LLAMA_CPP_VERSION')"
  if python3 -c "$check" 2>/dev/null; then
    command -v python3
    return
  fi
  if [ ! -x "$PY_VENV/bin/python" ]; then
    python3 -m venv "$PY_VENV"
  fi
  # An older pinned llama-cpp-python in the venv is upgraded, not used.
  if ! "$PY_VENV/bin/python" -c "$check" 2>/dev/null; then
    "$PY_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REPO_ROOT/ci/python-requirements.txt" >&2
  fi
  echo "$PY_VENV/bin/python"
}

# Everything a spark-submit of the generation job needs, in the array SUBMIT (spark-submit,
# Delta's two jars, the plugin settings, the main class and the plugin jar; the job's own
# arguments follow): Spark 4.0.1 from PyPI (ci/install-spark.sh), the default model, the plugin
# jar and Delta jars (copied into $1/jars). Sets SPARK_HOME, MODEL and JAR too.
prepare_spark_submit() {
  local work="$1"
  SPARK_HOME="$(ci/install-spark.sh)"
  export SPARK_HOME
  MODEL="$(ci/fetch-model.sh)"
  (cd "$REPO_ROOT" && mvn -B -q -DskipTests -pl spark-plugin -am package) >&2
  JAR="$(ls "$REPO_ROOT"/spark-plugin/target/spark-plugin-*-all.jar | head -n 1)"
  mkdir -p "$work/jars"
  # Delta is the user's to add to Spark (the plugin jar does not bundle it); the same two jars a
  # --packages io.delta:delta-spark_2.13:4.0.0 would fetch.
  for artifact in io.delta:delta-spark_2.13:4.0.0 io.delta:delta-storage:4.0.0; do
    mvn -B -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$work/jars" >&2
  done
  local delta_jars
  delta_jars="$(ls "$work"/jars/*.jar | paste -sd, -)"
  SUBMIT_SPARK=("$SPARK_HOME/bin/spark-submit" --master 'local[2]' --driver-memory 2g
    --driver-java-options "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
    --jars "$delta_jars"
    --conf spark.log.level=WARN
    --conf spark.ui.enabled=false
    --conf spark.sql.shuffle.partitions=2
    --conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension,dev.sparkllm.spark.LlmSparkExtensions
    --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog
    --conf spark.plugins=dev.sparkllm.spark.LlmSparkPlugin
    --conf "spark.llm.model.default.path=$MODEL")
  # Spark's own options first, then the application: more Spark options go between the two.
  SUBMIT_APP=(--class dev.sparkllm.spark.job.GenerateJob "$JAR")
  SUBMIT=("${SUBMIT_SPARK[@]}" "${SUBMIT_APP[@]}")
}
