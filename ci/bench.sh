#!/usr/bin/env bash
# Runs one benchmark by name and ends with one line "RESULT NAME key=value ...".
#   engine-single  single-sequence prompt processing and decode tokens/s of the CPU engine,
#                  side by side with llama.cpp (llama-cpp-python) on the same file and threads.
# Environment: THREADS (default 2), PROMPT_TOKENS (128), GEN_TOKENS (64), REPS (3).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
NAME="${1:?usage: ci/bench.sh NAME (engine-single)}"
THREADS="${THREADS:-2}"
PROMPT_TOKENS="${PROMPT_TOKENS:-128}"
GEN_TOKENS="${GEN_TOKENS:-64}"
REPS="${REPS:-3}"

json_field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

case "$NAME" in
  engine-single)
    MODEL="$(ci/fetch-model.sh)"
    JAR="$(build_cli_jar)"
    PY="$(python_env)"
    echo "model $MODEL, $THREADS threads, prompt $PROMPT_TOKENS tokens, decode $GEN_TOKENS tokens, best of $REPS" >&2
    ours=$(java "${JVM_FLAGS[@]}" -cp "$JAR" dev.sparkllm.engine.bench.SingleSequenceBench \
      "$MODEL" "$THREADS" "$PROMPT_TOKENS" "$GEN_TOKENS" "$REPS" | tail -n 1)
    echo "sparkllm:  $ours" >&2
    theirs=$("$PY" ci/bench/llamacpp_single.py "$MODEL" --threads "$THREADS" \
      --prompt-tokens "$PROMPT_TOKENS" --gen-tokens "$GEN_TOKENS" --reps "$REPS" 2>/dev/null | tail -n 1)
    echo "llama.cpp: $theirs" >&2
    python3 - "$ours" "$theirs" "$THREADS" <<'PY'
import json, sys
o, t = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print("RESULT engine-single threads=%s pp_tps=%.1f tg_tps=%.1f llamacpp_pp_tps=%.1f llamacpp_tg_tps=%.1f "
      "pp_ratio=%.3f tg_ratio=%.3f" % (sys.argv[3], o["pp_tps"], o["tg_tps"], t["pp_tps"], t["tg_tps"],
                                       o["pp_tps"] / t["pp_tps"], o["tg_tps"] / t["tg_tps"]))
PY
    ;;
  *)
    echo "unknown benchmark '$NAME' (known: engine-single)" >&2
    exit 2
    ;;
esac
