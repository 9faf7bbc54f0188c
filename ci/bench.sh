#!/usr/bin/env bash
# Runs one benchmark by name and ends with one line "RESULT NAME key=value ...".
#   engine-single  single-sequence prompt processing and decode tokens/s of the CPU engine,
#                  side by side with llama.cpp (llama-cpp-python) on the same file and threads.
#   engine-batch   the batch engine against itself with each idea taken away, and against llama.cpp,
#                  on workloads of ci/bench/batch_workload.py (shared 512, distinct 64, output 32,
#                  sharing degree 16): the shared shape at each of PROMPTS (a space-separated list,
#                  default "64"; keys of the second and later counts carry the count, e.g.
#                  shared512_engine_tps), no sharing at NOSHARING_PROMPTS (64), and the first shared
#                  workload again in a KV pool of KV_TIGHT_MIB (default 45) where arrival order
#                  thrashes. WORKLOAD_DIR=DIR takes DIR/shared.jsonl and DIR/nosharing.jsonl instead
#                  of generating them (PROMPTS is then unused). Engine configurations (BatchBench):
#                  (a) engine: everything on, the planner's order; (a') arrival: prefix caching
#                  on, arrival order, no planner; (b) nocache; fixed: (a) with a fixed count of
#                  FIXED_SEQUENCES (8) instead of memory-centric admission. llama.cpp
#                  (llama-cpp-python 0.3.36): every mode of LLAMA_MODES (default "parallel
#                  sequential-cache parallel-shared"; "none" skips llama.cpp and prints its keys as
#                  nan) in every order of LLAMA_ORDERS ("given grouped") with flash attention in
#                  LLAMA_FLASH ("on off"); the best counts and is named. Then peak KV and heap with
#                  4,096 requests queued (KV_MIB, default 512, also the budget of the other runs).
#                  The RESULT line comes from ci/bench/batch_result.py, which lists its ratios.
#   planner        plans ROWS (default 1,000,000) generated prompts of the BatchLLM shape and of the
#                  multi-level shape in a 4 GiB heap: plan time, peak heap, and prefill saving as a
#                  fraction of the optimum next to an LRU prefix cache and a lexicographic sort.
#   spark          Spark's overhead: the same ROWS (default 2,000) shared-prefix prompts through the
#                  engine directly and through llm_generate on local[2] (spark-submit), one JVM.
#   uwfq           the UWFQ scheduler: simulator table and a real Spark run (ci/bench-uwfq.sh).
# Environment: THREADS (default 2), PROMPT_TOKENS (128), GEN_TOKENS (64), REPS (3), JAVA (the java
# that runs the engine benchmarks, default "java"; e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
NAME="${1:?usage: ci/bench.sh NAME (engine-single, engine-batch, planner, spark, uwfq)}"
THREADS="${THREADS:-2}"
PROMPT_TOKENS="${PROMPT_TOKENS:-128}"
GEN_TOKENS="${GEN_TOKENS:-64}"
REPS="${REPS:-3}"
JAVA="${JAVA:-java}"

json_field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

case "$NAME" in
  engine-single)
    MODEL="$(ci/fetch-model.sh)"
    JAR="$(build_cli_jar)"
    PY="$(python_env)"
    echo "model $MODEL, $THREADS threads, prompt $PROMPT_TOKENS tokens, decode $GEN_TOKENS tokens, best of $REPS" >&2
    "$JAVA" -version 2>&1 | head -n 1 >&2
    ours=$("$JAVA" "${JVM_FLAGS[@]}" -cp "$JAR" dev.sparkllm.engine.bench.SingleSequenceBench \
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
    PROMPTS="${PROMPTS:-64}"
    NOSHARING_PROMPTS="${NOSHARING_PROMPTS:-64}"
    KV_MIB="${KV_MIB:-512}"
    # SmolLM2-135M's KV is 30 layers x 192 (kvDim) x 2 (keys, values) values a position: 23,040
    # bytes in f16. One group of 16 (512 shared + 16 x (64 + 32) own) holds 2,048 positions,
    # 45 MiB: the pool (f16) fits about one group's working set, while
    # arrival order interleaves every group of the workload.
    KV_TIGHT_MIB="${KV_TIGHT_MIB:-45}"
    FIXED_SEQUENCES="${FIXED_SEQUENCES:-8}"
    LLAMA_MODES="${LLAMA_MODES:-parallel sequential-cache parallel-shared}"
    LLAMA_ORDERS="${LLAMA_ORDERS:-given grouped}"
    LLAMA_FLASH="${LLAMA_FLASH:-on off}"
    [ "$LLAMA_MODES" = none ] && LLAMA_MODES=""
    MODEL="$(ci/fetch-model.sh)"
    JAR="$(build_cli_jar)"
    PY=""
    [ -n "$LLAMA_MODES" ] && PY="$(python_env)"
    work=out/bench-batch
    mkdir -p "$work"
    "$JAVA" -version 2>&1 | head -n 1 >&2
    # Workloads, as label=file: the shared shape at each PROMPTS count (the first is "shared", the
    # others "shared<N>"), no sharing, and the first shared file again under a tight KV budget.
    workloads=()
    if [ -n "${WORKLOAD_DIR:-}" ]; then
      for shape in shared nosharing; do
        [ -f "$WORKLOAD_DIR/$shape.jsonl" ] || { echo "WORKLOAD_DIR has no $shape.jsonl" >&2; exit 2; }
      done
      workloads=("shared=$WORKLOAD_DIR/shared.jsonl" "nosharing=$WORKLOAD_DIR/nosharing.jsonl")
    else
      first=1
      for n in $PROMPTS; do
        label=shared; [ "$first" = 1 ] || label="shared$n"
        first=0
        python3 ci/bench/batch_workload.py --shape shared --prompts "$n" --shared 512 --distinct 64 \
          --output 32 --degree 16 --vocab 49152 --seed 7 --out "$work/$label.jsonl" >&2
        workloads+=("$label=$work/$label.jsonl")
      done
      python3 ci/bench/batch_workload.py --shape nosharing --prompts "$NOSHARING_PROMPTS" --shared 512 \
        --distinct 64 --output 32 --degree 16 --vocab 49152 --seed 7 --out "$work/nosharing.jsonl" >&2
      workloads+=("nosharing=$work/nosharing.jsonl")
    fi
    shared_file="${workloads[0]#*=}"
    lines=()
    run_engine() {  # label file mode kv_mib
      local line
      line=$("$JAVA" "${JVM_FLAGS[@]}" -Xmx4g -cp "$JAR" dev.sparkllm.engine.bench.BatchBench "$MODEL" \
        "$2" "$THREADS" "$3" "$4" "$FIXED_SEQUENCES" | tail -n 1)
      echo "$1 $3: $line" >&2
      lines+=("$1" "$line")
    }
    for entry in "${workloads[@]}"; do
      label="${entry%%=*}" file="${entry#*=}"
      if [ "$label" = nosharing ]; then
        run_engine "$label" "$file" engine "$KV_MIB"
      else
        for mode in engine arrival nocache fixed; do run_engine "$label" "$file" "$mode" "$KV_MIB"; done
      fi
      # llama.cpp: every mode, in arrival and grouped order, flash attention on and off; the best counts.
      for llama_mode in $LLAMA_MODES; do
        for order in $LLAMA_ORDERS; do
          for fa in $LLAMA_FLASH; do
            line=$("$PY" ci/bench/llamacpp_batch.py "$MODEL" "$file" --threads "$THREADS" \
              --mode "$llama_mode" --order "$order" --flash-attn "$fa" 2>/dev/null | tail -n 1)
            echo "$label llama.cpp $llama_mode $order fa=$fa: $line" >&2
            lines+=("$label" "$line")
          done
        done
      done
    done
    # KV-constrained: the first shared workload in a pool smaller than its groups' working set,
    # where arrival order evicts prefixes that later members need again.
    for mode in engine arrival; do run_engine tight "$shared_file" "$mode" "$KV_TIGHT_MIB"; done
    run_engine queue "$shared_file" queue "$KV_MIB"
    python3 ci/bench/batch_result.py "$THREADS" "$KV_TIGHT_MIB" "${lines[@]}"
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
    echo "unknown benchmark '$NAME' (known: engine-single, engine-batch, planner, spark, uwfq)" >&2
    exit 2
    ;;
esac
