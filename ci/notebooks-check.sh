#!/usr/bin/env bash
# Executes every notebook in notebooks/ headless (nbclient) against the real plugin jar and the
# default model, on a local[2] Spark 4.0.1 (PySpark from PyPI, ci/install-spark.sh):
#   1. the committed notebooks must have no outputs,
#   2. the sample tables in datasets/tables/ must be what datasets/make_tables.py writes,
#   3. each notebook runs top to bottom; its cells' asserts check row counts, errors and results,
#      and it must write its plots as PNG files and show a progress line.
# Executed copies and plots go to out/notebooks/. Installs the packages of
# ci/notebook-requirements.txt into the PySpark venv once. Set SPARKLLM_JAR to use a built jar
# instead of building one; pass notebook paths to run only those.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
OUT=out/notebooks
fail() { echo "notebooks-check: FAILED: $*" >&2; exit 1; }
start=$SECONDS

NOTEBOOKS=("$@")
[ ${#NOTEBOOKS[@]} -gt 0 ] || NOTEBOOKS=(notebooks/*.ipynb)
[ -e "${NOTEBOOKS[0]}" ] || fail "no notebooks in notebooks/"
python3 ci/notebooks-run.py --check-clean "${NOTEBOOKS[@]}" || fail "notebooks are committed with outputs"
python3 datasets/make_tables.py --check || fail "datasets/tables/ is stale"

# Spark (its venv is where the notebook packages go), the model, the jar and Delta's jars.
rm -rf "$OUT"
mkdir -p "$OUT"
if [ -n "${SPARKLLM_JAR:-}" ]; then
  SPARK_HOME="$(ci/install-spark.sh)"
  MODEL="$(ci/fetch-model.sh)"
  JAR="$SPARKLLM_JAR"
  for artifact in io.delta:delta-spark_2.13:4.0.0 io.delta:delta-storage:4.0.0; do
    mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="$artifact" -DoutputDirectory="$OUT/jars" \
      | sed 's/\x1b\[[0-9;]*m//g' >&2
  done
else
  prepare_spark_submit "$OUT"
fi
VENV_PY="${SPARKLLM_CACHE:-$HOME/.cache/sparkllm}/spark-venv/bin/python"
if ! "$VENV_PY" - <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
want = [l.split("==") for l in open("ci/notebook-requirements.txt") if "==" in l and not l.startswith("#")]
sys.exit(any(version(name) != v.strip() for name, v in want))
PY
then
  echo "notebooks-check: installing ci/notebook-requirements.txt into the PySpark venv" >&2
  "$VENV_PY" -m pip install --quiet --disable-pip-version-check -r ci/notebook-requirements.txt >&2
fi

export SPARK_HOME
export SPARKLLM_JAR="$JAR" SPARKLLM_MODEL="$MODEL"
export SPARKLLM_DELTA_JARS="$(ls "$PWD/$OUT"/jars/*.jar | paste -sd, -)"
export SPARKLLM_NOTEBOOK_OUT="$PWD/$OUT"
export PYSPARK_PYTHON="$VENV_PY" PYSPARK_DRIVER_PYTHON="$VENV_PY"
"$VENV_PY" ci/notebooks-run.py "$OUT" "${NOTEBOOKS[@]}" || fail "a notebook failed (executed copies in $OUT)"
echo "notebooks-check: ok (${#NOTEBOOKS[@]} notebooks, $(( SECONDS - start )) s; plots in $OUT)" >&2
