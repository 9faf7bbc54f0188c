#!/usr/bin/env bash
# Runs one benchmark by name and ends with one line "RESULT NAME key=value ...".
#   engine-single  single-sequence prompt processing and decode tokens/s of the CPU engine,
#                  side by side with llama.cpp (llama-cpp-python) on the same file and threads.
#   planner        plans ROWS (default 1,000,000) generated prompts of the BatchLLM shape and of the
#                  multi-level shape in a 4 GiB heap: plan time, peak heap, and prefill saving as a
#                  fraction of the optimum next to an LRU prefix cache and a lexicographic sort.
#   spark          Spark's overhead: the same ROWS (default 2,000) shared-prefix prompts through the
#                  engine directly and through llm_generate on local[2] (spark-submit), one JVM.
#   uwfq           the UWFQ scheduler: simulator table and a real Spark run (ci/bench-uwfq.sh).
# Environment: THREADS (default 2), PROMPT_TOKENS (128), GEN_TOKENS (64), REPS (3).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
NAME="${1:?usage: ci/bench.sh NAME (engine-single, planner, spark, uwfq)}"
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
  planner)
    ROWS="${ROWS:-1000000}"
    (mvn -B -q -DskipTests -pl prefix-planner install) >&2
    results=()
    for shape in batchllm multilevel; do
      line=$(java -Xmx4g -XX:+UseParallelGC -cp prefix-planner/target/classes \
        dev.sparkllm.planner.bench.PlannerBench "$shape" "$ROWS" "$THREADS" | tail -n 1)
      echo "$line" >&2
      results+=("$line")
    done
    python3 - "$THREADS" "${results[@]}" <<'PY'
import json, sys
parts = ["RESULT planner threads=%s" % sys.argv[1]]
for raw in sys.argv[2:]:
    r = json.loads(raw)
    s = r["shape"]
    parts.append("%s_rows=%d %s_plan_s=%.2f %s_peak_heap_mib=%.0f %s_saving=%.4f %s_lru_saving=%.4f %s_lexsort_saving=%.4f"
                 % (s, r["rows"], s, r["plan_s"], s, r["peak_heap_mib"], s, r["plan_saving"], s, r["lru_saving"],
                    s, r["lexsort_saving"]))
print(" ".join(parts))
PY
    ;;
  spark)
    ROWS="${ROWS:-2000}"
    MAX_TOKENS="${MAX_TOKENS:-8}"
    prepare_spark_submit out/bench-spark
    line=$("${SUBMIT[@]/dev.sparkllm.spark.job.GenerateJob/dev.sparkllm.spark.bench.SparkOverheadBench}" \
      "$ROWS" "$MAX_TOKENS" | tail -n 1)
    echo "$line" >&2
    python3 - "$line" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print("RESULT spark rows=%d max_tokens=%d engine_s=%.2f spark_s=%.2f overhead_ratio=%.3f"
      % (r["rows"], r["max_tokens"], r["engine_s"], r["spark_s"], r["ratio"]))
PY
    ;;
  uwfq)
    exec ci/bench-uwfq.sh
    ;;
  *)
    echo "unknown benchmark '$NAME' (known: engine-single, planner, spark, uwfq)" >&2
    exit 2
    ;;
esac
