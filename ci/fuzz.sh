#!/usr/bin/env bash
# Runs each Jazzer @FuzzTest below in real fuzzing mode for the time its annotation allows
# (maxDuration, 30s for the format parsers) and fails if any of them finds a crash.
#
# Jazzer's JUnit integration fuzzes only when JAZZER_FUZZ is set, and only one @FuzzTest per JVM,
# so each entry gets its own surefire run. A crashing input is saved by Jazzer next to the seeds
# (src/test/resources/<package>/<Class>Inputs/<method>/crash-*), where ordinary `mvn test` replays
# it until the bug is fixed. The corpus grown by each run is kept in <module>/target/fuzz-corpus
# so later runs start from it.
#
# Usage: ci/fuzz.sh                 fuzz every target below
#        ci/fuzz.sh 'Class#method'  fuzz only the given target(s)
set -uo pipefail

MODULE=gpu-executor
# Add a fuzz target by appending "SimpleClassName#method" here.
TARGETS=(
  "GgufFileFuzzTest#parseHeader"
  "SafetensorsFileFuzzTest#parseHeader"
  "TokenizerFuzzTest#encodeDecode"
)
# Hard wall-clock cap per target (mvn start-up + replaying seeds + the annotation's maxDuration).
PER_TARGET_TIMEOUT=${FUZZ_TIMEOUT:-600}

cd "$(dirname "$0")/.."
[ "$#" -gt 0 ] && TARGETS=("$@")

# Jazzer keeps its generated corpus in <module>/.cifuzz-corpus; park it under target/ between runs
# so the working tree stays clean.
PARKED="$MODULE/target/fuzz-corpus"
LIVE="$MODULE/.cifuzz-corpus"
park_corpus() {
  if [ -d "$LIVE" ]; then
    mkdir -p "$PARKED"
    cp -r "$LIVE"/. "$PARKED"/ && rm -rf "$LIVE"
  fi
}
trap park_corpus EXIT

# Each target runs in a surefire:test of $MODULE alone (-pl), which resolves the module's sibling
# dependencies (prefix-planner, the parent POM) from the local repository, not from the reactor.
# So they are installed first, built from this tree (-am): a fresh machine has none of them, and
# a stale copy from another checkout must not be what gets fuzzed. Offline when the local
# repository already has every third-party artifact (the usual case after `mvn test`).
MVN=(mvn -B -o)
echo "fuzz: building $MODULE and what it depends on" >&2
if ! "${MVN[@]}" -q -DskipTests -pl "$MODULE" -am install >/dev/null 2>&1; then
  MVN=(mvn -B)
  "${MVN[@]}" -q -DskipTests -pl "$MODULE" -am install || { echo "fuzz: build failed" >&2; exit 2; }
fi
echo "fuzz: compiling tests" >&2
"${MVN[@]}" -q -pl "$MODULE" test-compile || { echo "fuzz: test-compile failed" >&2; exit 2; }

failed=()
for target in "${TARGETS[@]}"; do
  class=${target%%#*}
  log="$MODULE/target/fuzz-${class}.log"
  if [ -d "$PARKED" ]; then mkdir -p "$LIVE" && cp -r "$PARKED"/. "$LIVE"/; fi
  marker=$(mktemp)
  echo "fuzz: $target (log: $log)" >&2
  JAZZER_FUZZ=1 timeout "$PER_TARGET_TIMEOUT" \
    "${MVN[@]}" -pl "$MODULE" surefire:test -Dtest="$target" >"$log" 2>&1
  rc=$?
  park_corpus
  # libFuzzer's progress lines: show the last one so the run's speed and coverage are visible.
  grep -E '^#[0-9]+[[:space:]].*exec/s' "$log" | tail -n 1 >&2 || true
  grep -E '^Done [0-9]+ runs' "$log" >&2 || true
  crashes=$(find "$MODULE/src/test/resources" -name 'crash-*' -newer "$marker" 2>/dev/null)
  rm -f "$marker"
  if [ "$rc" -eq 0 ] && ! grep -qE '^Done [0-9]+ runs' "$log"; then
    echo "fuzz: $target did not fuzz (no libFuzzer summary in $log); is the target name right?" >&2
    failed+=("$target")
  elif [ "$rc" -ne 0 ] || [ -n "$crashes" ]; then
    echo "fuzz: $target FAILED (exit $rc)" >&2
    grep -E 'FuzzTestFinding|Caused by|Test unit written|Tests run:.*(Fail|Err)' "$log" | head -n 20 >&2 || true
    [ -n "$crashes" ] && echo "fuzz: crashing input(s) saved, replayed by 'mvn test' until fixed:" >&2 && echo "$crashes" >&2
    failed+=("$target")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: crashes found in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: no crashes in ${#TARGETS[@]} target(s)" >&2
