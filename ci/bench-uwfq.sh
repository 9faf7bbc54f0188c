#!/usr/bin/env bash
# UWFQ benchmark (wired as `ci/bench.sh uwfq`):
#   1. the cluster simulator: mean and p90 response time of small users and of all jobs, per
#      scheduler (FIFO, FAIR, UJF = per-user FAIR pools, CFQ, UWFQ; "-P" = runtime partitioning)
#      and scenario (the paper's four, plus a Google-trace-like mix);
#   2. real Spark on local[2]: two power users flood, two small users submit short jobs; stock
#      FAIR against the UWFQ pool in the same SparkContext, alternating rounds.
# Ends with one line "RESULT uwfq key=value ...". Takes about 2 minutes.
# Environment: SEEDS (simulation seeds per scenario, 5), ROUNDS (Spark rounds per scheduler, 2),
#              TASK_MS (Spark task length in ms, 150).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
SEEDS="${SEEDS:-5}"
ROUNDS="${ROUNDS:-2}"
TASK_MS="${TASK_MS:-150}"
MODULE="$REPO_ROOT/uwfq-scheduler"
# Maven may wrap what it prints in colour codes: strip them.
no_ansi() { sed 's/\x1b\[[0-9;]*m//g'; }
CP_FILE="$MODULE/target/bench-classpath.txt"

mvn -B -q -Dstyle.color=never -pl uwfq-scheduler -am test-compile 2>&1 | no_ansi >&2
# Spark is a provided dependency: the test scope's classpath has it (and it is in ~/.m2).
mvn -B -q -Dstyle.color=never -pl uwfq-scheduler dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$CP_FILE" 2>&1 | no_ansi >&2
CP="$MODULE/target/classes:$MODULE/target/test-classes:$(cat "$CP_FILE")"
# The same JVM flags the tests run with (Spark needs its add-opens on Java 17).
read -r -a SPARK_FLAGS <<<"$(mvn -B -q -N -Dstyle.color=never help:evaluate \
  -Dexpression=jvm.module.flags -DforceStdout 2>/dev/null | no_ansi)"

echo "== simulation: 32 cores, $SEEDS seeds per scenario, response times in seconds" >&2
sim_out="$(java -Xmx2g -cp "$CP" dev.sparkllm.uwfq.sim.SimulationBench "$SEEDS")"
echo "$sim_out" | grep -v '^SIM '
sim_line="$(echo "$sim_out" | grep '^SIM ' | no_ansi)"

echo "== real Spark local[2]: $ROUNDS rounds per scheduler, tasks of $TASK_MS ms" >&2
# Spark's log goes to a file; on failure its tail is shown.
SPARK_LOG="$MODULE/target/bench-spark.log"
spark_out="$(java -Xmx2g "${SPARK_FLAGS[@]}" -cp "$CP" dev.sparkllm.uwfq.bench.SparkFairnessBench \
  "$ROUNDS" "$TASK_MS" 2>"$SPARK_LOG")" || { tail -n 40 "$SPARK_LOG" >&2; exit 1; }
echo "$spark_out" | grep -v '^SPARK '
spark_line="$(echo "$spark_out" | grep '^SPARK ' | no_ansi)"

python3 - "$sim_line" "$spark_line" <<'PY'
import sys
def kv(line):
    return dict(p.split("=", 1) for p in line.split()[1:])
s, k = kv(sys.argv[1]), kv(sys.argv[2])
print("RESULT uwfq"
      f" sim_power_small_uwfq_over_fair={s['2_power_2_small_small_uwfq_over_fair']}"
      f" sim_power_small_uwfq_over_ujf={s['2_power_2_small_small_uwfq_over_ujf']}"
      f" sim_power_small_uwfq_over_cfq={s['2_power_2_small_small_uwfq_over_cfq']}"
      f" sim_large_small_uwfqp_over_fair={s['2_large_2_small_small_uwfqp_over_fair']}"
      f" sim_trace_small_uwfq_over_fair={s['trace_like_small_uwfq_over_fair']}"
      f" sim_trace_small_uwfqp_over_fair={s['trace_like_small_uwfqp_over_fair']}"
      f" spark_fair_small_ms={k['fair_small_mean_ms']} spark_uwfq_small_ms={k['uwfq_small_mean_ms']}"
      f" spark_small_uwfq_over_fair={k['small_mean_ratio']}"
      f" spark_power_uwfq_over_fair={k['power_mean_ratio']}")
PY
