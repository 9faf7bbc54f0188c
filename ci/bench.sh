#!/usr/bin/env bash
# Runs one benchmark by name and ends with one line "RESULT NAME key=value ...".
#   engine-single  single-sequence prompt processing and decode tokens/s of the CPU engine,
#                  side by side with llama.cpp (llama-cpp-python) on the same file and threads.
#   engine-batch   the batch engine on a shared-prefix workload of the BatchLLM shape scaled to a CPU
#                  and on a no-sharing one (PROMPTS, default 512; shared 512, distinct 64, output
#                  32, sharing degree 16): total tokens/s of the engine, of the engine with sharing
#                  and memory-centric batching off (FCFS, 8 sequences), and of llama.cpp
#                  (LLAMA_MODES, default "parallel sequential-cache parallel-shared": llama-server's
#                  slots with continuous batching and per-slot prompt cache; one prompt at a time
#                  with its prompt cache; slots that copy a group's prefix KV with seq_cp, beyond
#                  stock llama.cpp; the best counts); then
#                  peak KV and heap with 4,096 requests queued (KV_MIB, default 512).
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
NAME="${1:?usage: ci/bench.sh NAME (engine-single, engine-batch, planner, spark, uwfq)}"
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
  engine-batch)
    PROMPTS="${PROMPTS:-512}"
    KV_MIB="${KV_MIB:-512}"
    LLAMA_MODES="${LLAMA_MODES:-parallel sequential-cache parallel-shared}"
    MODEL="$(ci/fetch-model.sh)"
    JAR="$(build_cli_jar)"
    PY="$(python_env)"
    work=out/bench-batch
    mkdir -p "$work"
    lines=()
    for shape in shared nosharing; do
      python3 ci/bench/batch_workload.py --shape "$shape" --prompts "$PROMPTS" --shared 512 --distinct 64 \
        --output 32 --degree 16 --vocab 49152 --seed 7 --out "$work/$shape.jsonl" >&2
      for mode in engine baseline; do
        line=$(java "${JVM_FLAGS[@]}" -Xmx4g -cp "$JAR" dev.sparkllm.engine.bench.BatchBench "$MODEL" \
          "$work/$shape.jsonl" "$THREADS" "$mode" "$KV_MIB" | tail -n 1)
        echo "$shape $mode: $line" >&2
        lines+=("$shape" "$line")
      done
      # llama.cpp gets the prompts in the order our planner gives our engine (groups adjacent);
      # each of its configurations runs, and the best counts.
      for llama_mode in $LLAMA_MODES; do
        line=$("$PY" ci/bench/llamacpp_batch.py "$MODEL" "$work/$shape.jsonl" --threads "$THREADS" \
          --mode "$llama_mode" --order grouped 2>/dev/null | tail -n 1)
        echo "$shape llama.cpp $llama_mode: $line" >&2
        lines+=("$shape" "$line")
      done
    done
    line=$(java "${JVM_FLAGS[@]}" -Xmx4g -cp "$JAR" dev.sparkllm.engine.bench.BatchBench "$MODEL" \
      "$work/shared.jsonl" "$THREADS" queue "$KV_MIB" | tail -n 1)
    echo "queue: $line" >&2
    lines+=("queue" "$line")
    python3 - "$THREADS" "${lines[@]}" <<'PY'
import json, sys
threads, rest = sys.argv[1], sys.argv[2:]
runs = {}
for shape, raw in zip(rest[0::2], rest[1::2]):
    r = json.loads(raw)
    runs[(shape, r.get("mode"))] = r
out = ["RESULT engine-batch threads=%s" % threads]
for shape in ("shared", "nosharing"):
    ours, base = runs[(shape, "engine")], runs[(shape, "baseline")]
    llama = max((v for (s, m), v in runs.items() if s == shape and m not in ("engine", "baseline")),
                key=lambda v: v["total_tps"])
    out.append("%s_llamacpp_mode=%s" % (shape, llama["mode"]))
    out.append("%s_prompts=%d %s_tps=%.1f %s_baseline_tps=%.1f %s_llamacpp_tps=%.1f %s_vs_baseline=%.2f "
               "%s_vs_llamacpp=%.2f %s_hit_ratio=%.3f %s_tokens_per_step=%.1f %s_peak_kv_mib=%.1f"
               % (shape, ours["prompts"], shape, ours["total_tps"], shape, base["total_tps"], shape, llama["total_tps"],
                  shape, ours["total_tps"] / base["total_tps"], shape, ours["total_tps"] / llama["total_tps"],
                  shape, ours["prefix_hit_ratio"], shape, ours["mean_tokens_per_step"], shape, ours["peak_kv_mib"]))
q = runs[("queue", "queue")]
out.append("queued=%d kv_budget_mib=%.1f queue_peak_kv_mib=%.1f queue_heap_peak_mib=%.1f"
           % (q["queued"], q["kv_budget_mib"], q["peak_kv_mib"], q["heap_used_peak_mib"]))
print(" ".join(out))
PY
    ;;
  planner)
    ROWS="${ROWS:-1000000}"
    (mvn -B -q -DskipTests -pl prefix-planner -am install) >&2
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
