#!/usr/bin/env bash
# A real spark-submit of the generation job (dev.sparkllm.spark.job.GenerateJob) on a local[2]
# Spark 4.0.1 from the PySpark distribution, over datasets/sample-prompts.jsonl into a Delta table:
#   1. a run killed (kill -9) after its first chunk is committed,
#   2. a rerun that completes it, then --verify-output: 8 rows, unique ids, 2 errors
#      (q4 has no prompt, q7 an empty one; every other row must have none),
#   3. a third run that must find nothing to do and write nothing,
#   4. an unknown option, which must exit with status 2,
#   5. PySpark calling llm_generate through F.expr and SQL with only the jar (ci/pyspark-check.py),
#   6. two executors (local-cluster), one killed with kill -9 while it generates: the job finishes
#      and the table holds every id exactly once.
# Exits non-zero on any failure. Installs what it needs (Spark, the model, the Delta jars) once.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

WORK=out/spark-submit-check
OUTPUT="$WORK/table"
rm -rf "$WORK"
# spark-submit and spark-class exec what they start, so a job started in the background has the
# PID of its JVM (which step 1 kills).
prepare_spark_submit "$WORK"
submit() { "${SUBMIT[@]}" "$@"; }
GENERATE=(--input datasets/sample-prompts.jsonl --output "$OUTPUT" --max-tokens 8 --chunk-rows 4
          --progress-interval 2)
fail() { echo "spark-submit-check: FAILED: $*" >&2; exit 1; }
step() { echo "== $* ($(date +%T))" >&2; }

step "1. run, killed after its first commit"
start=$SECONDS
"${SUBMIT[@]}" "${GENERATE[@]}" > "$WORK/run1.log" 2>&1 &
pid=$!
# Version 0 of the table is its creation; version 1 is the first chunk's MERGE.
while kill -0 "$pid" 2>/dev/null && [ ! -f "$OUTPUT/_delta_log/00000000000000000001.json" ]; do
  sleep 0.2
done
if kill -9 "$pid" 2>/dev/null; then
  wait "$pid" 2>/dev/null || true
  echo "killed the job after its first chunk was committed" >&2
else
  wait "$pid" || { cat "$WORK/run1.log" >&2; fail "run 1 exited with an error"; }
  echo "run 1 finished before it could be killed; the rerun below must then find nothing to do" >&2
fi
grep -E "^(progress|generating|summary)" "$WORK/run1.log" >&2 || true

step "2. rerun completes the table"
submit "${GENERATE[@]}" > "$WORK/run2.log" 2>&1 || { cat "$WORK/run2.log" >&2; fail "run 2"; }
grep -E "^(progress|generating|summary|nothing)" "$WORK/run2.log" >&2
submit --verify-output "$OUTPUT" --expect-rows 8 --expect-errors 2 > "$WORK/verify.log" 2>&1 \
  || { cat "$WORK/verify.log" >&2; fail "verify after run 2"; }
grep "^verify" "$WORK/verify.log" >&2

step "3. a third run has nothing to do"
commits() { ls "$OUTPUT"/_delta_log/*.json | wc -l; }
commits_before="$(commits)"
submit "${GENERATE[@]}" > "$WORK/run3.log" 2>&1 || { cat "$WORK/run3.log" >&2; fail "run 3"; }
grep -q "^nothing to do" "$WORK/run3.log" || { cat "$WORK/run3.log" >&2; fail "run 3 generated rows again"; }
grep -E "^(nothing|summary)" "$WORK/run3.log" >&2
[ "$(commits)" -eq "$commits_before" ] || fail "run 3 committed to the table"

step "4. an unknown option exits with status 2"
status=0
submit --input x --output y --no-such-option 1 > "$WORK/usage.log" 2>&1 || status=$?
[ "$status" -eq 2 ] || { cat "$WORK/usage.log" >&2; fail "unknown option exited with $status, not 2"; }
grep "generate-job:" "$WORK/usage.log" >&2

step "5. PySpark reaches llm_generate with no Python package (F.expr and SQL)"
PYSPARK_PYTHON_BIN="${SPARKLLM_CACHE:-$HOME/.cache/sparkllm}/spark-venv/bin/python"
# The engine CLI's greedy answer to the same prompt, which PySpark must reproduce.
echo '{"id": "cli", "prompt": "What is the capital of France?"}' > "$WORK/cli-prompt.jsonl"
java "${JVM_FLAGS[@]}" -jar "$(build_cli_jar)" generate --model "$MODEL" --input "$WORK/cli-prompt.jsonl" \
  --output "$WORK/cli-result.jsonl" --max-tokens 4 > "$WORK/cli.log" 2>&1 || { cat "$WORK/cli.log" >&2; fail "engine CLI"; }
EXPECTED="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["text"], end="")' "$WORK/cli-result.jsonl")"
JDK_JAVA_OPTIONS="--add-modules=jdk.incubator.vector" "$PYSPARK_PYTHON_BIN" ci/pyspark-check.py "$JAR" "$MODEL" "$EXPECTED" \
  > "$WORK/pyspark.log" 2>&1 || { cat "$WORK/pyspark.log" >&2; fail "pyspark check"; }
grep -o "pyspark-check: .*" "$WORK/pyspark.log" >&2

step "6. two executors (local-cluster), one killed mid-run: the job still finishes, every id once"
CLUSTER_OUTPUT="$WORK/cluster-table"
"${SUBMIT_SPARK[@]}" --master 'local-cluster[2,1,1536]' \
  --conf "spark.executor.extraJavaOptions=--add-modules=jdk.incubator.vector" \
  --conf spark.task.maxFailures=4 \
  "${SUBMIT_APP[@]}" --input datasets/sample-prompts.jsonl --output "$CLUSTER_OUTPUT" --max-tokens 8 \
  --chunk-rows 8 --progress-interval 2 > "$WORK/cluster.log" 2>&1 &
driver=$!
# Kill an executor once generation has started (the output table exists, its rows do not yet).
killed=""
while kill -0 "$driver" 2>/dev/null && [ -z "$killed" ]; do
  if [ -f "$CLUSTER_OUTPUT/_delta_log/00000000000000000000.json" ]; then
    victim="$( (pgrep -f CoarseGrainedExecutorBackend || true) | while read -r p; do
      if grep -q "$driver" "/proc/$p/cmdline" 2>/dev/null || [ "$(ps -o ppid= -p "$p" | tr -d ' ')" = "$driver" ]; then
        echo "$p"; fi; done | head -n 1 || true)"
    if [ -n "$victim" ]; then
      kill -9 "$victim" && killed="$victim"
    fi
  fi
  sleep 0.5
done
wait "$driver" || { cat "$WORK/cluster.log" >&2; fail "the job did not survive a lost executor"; }
[ -n "$killed" ] || { cat "$WORK/cluster.log" >&2; fail "no executor of the job was found to kill"; }
echo "killed executor process $killed during generation; the job finished" >&2
grep -E "^summary" "$WORK/cluster.log" >&2
submit --verify-output "$CLUSTER_OUTPUT" --expect-rows 8 --expect-errors 2 > "$WORK/cluster-verify.log" 2>&1 \
  || { cat "$WORK/cluster-verify.log" >&2; fail "verify after the lost executor"; }
grep "^verify" "$WORK/cluster-verify.log" >&2

echo "spark-submit-check: ok ($(( SECONDS - start )) s of Spark runs)" >&2
