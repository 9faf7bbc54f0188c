#!/usr/bin/env bash
# The main job on the embedded default: the engine CLI generates answers for the sample prompts
# in datasets/ with the default model (SmolLM2-135M-Instruct Q4_1), writing JSONL results.
# Extra arguments go to the CLI (for example --max-tokens 64 --temperature 0.7 --seed 1).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
MODEL="$(ci/fetch-model.sh)"
JAR="$(build_cli_jar)"
mkdir -p out
java "${JVM_FLAGS[@]}" -jar "$JAR" generate --model "$MODEL" \
  --input datasets/sample-prompts.jsonl --output out/demo-results.jsonl --max-tokens 48 "$@"
echo "results: out/demo-results.jsonl"
