#!/usr/bin/env bash
# Runs every test: fetches the default model, a Gemma 3 Q4_K_M file and the CUDA 12 kernel
# compiler, then the Maven test suites of all modules (the CUDA kernels compiled, GPU tests skipped without a GPU), a real
# spark-submit and PySpark check (installs PySpark 4.0.1 from PyPI once), then a bounded fuzzing
# pass over the parsers. Installs what it needs; safe to run twice.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
command -v mvn >/dev/null || { apt-get update -qq && apt-get install -y -qq maven >/dev/null; }
MODEL="$(ci/fetch-model.sh)"
ci/fetch-gemma3-270m.sh >/dev/null  # a Q4_K_M mix (Q5_0, Q4_K, Q6_K, Q8_0) for Gemma3QuantTypesTest
# The CUDA kernels are compiled (NVRTC 12 from PyPI) in every build, GPU or not; --require makes a
# kernel that does not compile fail the build. GPU tests skip here with their reason printed.
CUDA12_HOME="$(ci/install-cuda-compiler.sh)"
export CUDA12_HOME
mvn -B test -Dsparkllm.model.path="$MODEL" -Dcuda.requireFlag=--require
# A real spark-submit of the generation job and a PySpark session, with the built plugin jar.
ci/spark-submit-check.sh
ci/notebooks-check.sh  # every notebook in notebooks/, headless, against the same jar
if [ -x ci/fuzz.sh ]; then
  ci/fuzz.sh
fi
