#!/usr/bin/env bash
# Installs Apache Spark 4.0.1 (the PySpark distribution from PyPI, which carries bin/spark-submit
# and all of Spark's jars) into a venv under ${SPARKLLM_CACHE:-~/.cache/sparkllm} and prints its
# SPARK_HOME. Installs once: a venv that already imports pyspark 4.0.1 is reused.
set -euo pipefail
PYSPARK_VERSION="4.0.1"
VENV="${SPARKLLM_CACHE:-$HOME/.cache/sparkllm}/spark-venv"

has_pyspark() {
  [ -x "$VENV/bin/python" ] &&
    "$VENV/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" 2>/dev/null
}

if ! has_pyspark; then
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "pyspark==$PYSPARK_VERSION" >&2
  has_pyspark || { echo "install-spark: pyspark $PYSPARK_VERSION did not install into $VENV" >&2; exit 1; }
fi
"$VENV/bin/python" -c "import pyspark, os; print(os.path.dirname(pyspark.__file__))"
