#!/usr/bin/env bash
# The main job on the embedded default: a real spark-submit of the generation job
# (dev.sparkllm.spark.job.GenerateJob) on a local Spark 4.0.1 (PySpark from PyPI, installed once),
# answering datasets/sample-prompts.jsonl with the default model (SmolLM2-135M-Instruct Q4_1) into
# the Delta table out/demo-delta, then printing the table's check. Run it again and it resumes
# (nothing is left to do). Extra arguments go to the job (for example --max-tokens 64
# --temperature 0.7 --seed 1 --retry-errors).
#   ci/demo.sh --engine [CLI options]   the engine alone, without Spark: out/demo-results.jsonl
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
if [ "${1:-}" = "--engine" ]; then
  shift
  MODEL="$(ci/fetch-model.sh)"
  JAR="$(build_cli_jar)"
  mkdir -p out
  java "${JVM_FLAGS[@]}" -jar "$JAR" generate --model "$MODEL" \
    --input datasets/sample-prompts.jsonl --output out/demo-results.jsonl --max-tokens 48 "$@"
  echo "results: out/demo-results.jsonl"
  exit 0
fi
prepare_spark_submit out/demo-work
"${SUBMIT[@]}" --input datasets/sample-prompts.jsonl --output out/demo-delta --max-tokens 48 "$@"
"${SUBMIT[@]}" --verify-output out/demo-delta
echo "results: the Delta table out/demo-delta"
