#!/usr/bin/env bash
# Runs every test: fetches the default model, then the Maven test suites of all modules, a real
# spark-submit and PySpark check (installs PySpark 4.0.1 from PyPI once), then a bounded fuzzing
# pass over the parsers. Installs what it needs; safe to run twice.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
command -v mvn >/dev/null || { apt-get update -qq && apt-get install -y -qq maven >/dev/null; }
MODEL="$(ci/fetch-model.sh)"
mvn -B test -Dsparkllm.model.path="$MODEL"
# A real spark-submit of the generation job and a PySpark session, with the built plugin jar.
ci/spark-submit-check.sh
ci/notebooks-check.sh  # every notebook in notebooks/, headless, against the same jar
if [ -x ci/fuzz.sh ]; then
  ci/fuzz.sh
fi
