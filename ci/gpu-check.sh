#!/usr/bin/env bash
# The GPU checks, run on a GPU machine from a bundle made by ci/gpu-bundle.sh (no Java, Maven or
# network needed there; python3 with torch and transformers for the baseline):
#   bash gpu-bundle/gpu-check.sh OUTDIR
# Steps, each with its own time limit and log, a failure recorded without stopping the next:
#   gpu        nvidia-smi, the GPU's clocks and memory, the machine           -> gpu.txt
#   junit      the tests of package dev.sparkllm.engine.cuda, GPU required     -> junit.log, junit.xml
#   bench      dev.sparkllm.engine.cuda.bench.CudaBench                        -> cuda-bench.log, cuda-bench.json
#   hf         hf_generate.py, transformers on the same workloads              -> hf.log, hf.json
#   summary    tokens/s side by side, the steps' results                       -> summary.md (printed last)
# Everything goes under OUTDIR (at most 8 files). Environment: PYTHON (python3), HF_GENERATE_ARGS
# (more arguments for hf_generate.py, e.g. --batch 8 or --tiny), GPU_CHECK_BUDGET_S (420).
# The steps share that budget: a step gets its own limit or what is left after the later steps'
# minimums, whichever is less (at worst the run takes the budget plus about 45 s). A Java step that runs out of time gets a thread dump (SIGQUIT) into its log before it
# is killed; hf_generate.py dumps its Python stacks. Exit status: 0 when every step passed.
set -uo pipefail

BUNDLE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -lt 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
mkdir -p "$1" || exit 2
OUT="$(cd "$1" && pwd)"
cd "$BUNDLE" || exit 2

BUDGET="${GPU_CHECK_BUDGET_S:-420}"
START=$SECONDS
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
STEPS="$WORK/steps.tsv"
: >"$STEPS"
FAILED=0

# ci/env.sh's JVM flags, as gpu-bundle.sh wrote them; these when the file is missing.
JVM_FLAGS=(--add-modules=jdk.incubator.vector --add-opens=java.base/java.nio=ALL-UNNAMED
           --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -XX:+UseParallelGC)
# shellcheck disable=SC1091
[ -f "$BUNDLE/jvm-flags.sh" ] && source "$BUNDLE/jvm-flags.sh"
# A crash report goes into the step's log (below), not into OUTDIR as a file of its own.
JVM_FLAGS+=("-XX:ErrorFile=$WORK/hs_err_%p.log" -XX:-CreateCoredumpOnCrash)

say() { echo "[gpu-check $((SECONDS - START))s] $*"; }
say "bundle $BUNDLE, output $OUT, budget ${BUDGET} s"

# The Java runtime: jre/ when the bundle has one unpacked, else jre.tar.xz unpacked into the
# scratch folder (not into the bundle, which must stay small enough to travel).
JAVA="$BUNDLE/jre/bin/java"
if [ ! -x "$JAVA" ] && [ -f "$BUNDLE/jre.tar.xz" ]; then
  JAVA="$WORK/jre/bin/java"
  if ! tar -C "$WORK" -xJf "$BUNDLE/jre.tar.xz" 2>"$WORK/unpack.log"; then
    # No xz program: Python's tarfile reads it.
    rm -rf "$WORK/jre"
    "$PYTHON" -c 'import sys, tarfile
archive = tarfile.open(sys.argv[1])
try:
    archive.extractall(sys.argv[2], filter="tar")
except TypeError:  # a Python without extraction filters
    archive.extractall(sys.argv[2])' "$BUNDLE/jre.tar.xz" "$WORK" 2>>"$WORK/unpack.log"
  fi
  [ -x "$JAVA" ] || say "could not unpack jre.tar.xz: $(tail -n 3 "$WORK/unpack.log")"
fi

# step NAME LOG LIMIT_S RESERVE_S SIGNAL COMMAND...: runs COMMAND with output to LOG, for at most
# LIMIT_S seconds and at most what the budget leaves after RESERVE_S for the later steps.
step() {
  local name="$1" log="$2" nominal="$3" reserve="$4" signal="$5"
  shift 5
  local left=$((BUDGET - (SECONDS - START) - reserve))
  local limit=$((nominal < left ? nominal : left))
  if [ "$limit" -lt 5 ]; then
    echo "skipped: no time left in the ${BUDGET} s budget" >"$log"
    printf '%s\tskipped (no time left)\t-\t0\t%s\n' "$name" "$(basename "$log")" >>"$STEPS"
    say "$name: SKIPPED (no time left)"
    FAILED=1
    return
  fi
  say "$name: running (limit ${limit} s)"
  local t0=$SECONDS rc
  rm -f "$WORK"/hs_err_*.log
  timeout -s "$signal" -k 15 "$limit" "$@" >"$log" 2>&1 </dev/null
  rc=$?
  for crash in "$WORK"/hs_err_*.log; do
    [ -f "$crash" ] || continue
    { echo; echo "===== JVM crash report $(basename "$crash") ====="; cat "$crash"; } >>"$log"
  done
  local took=$((SECONDS - t0)) status
  case "$rc" in
    0) status=ok ;;
    124|137) status="TIMEOUT after ${limit} s"; echo "[gpu-check] killed after ${limit} s" >>"$log" ;;
    *) status="FAILED (exit $rc)" ;;
  esac
  [ "$rc" -eq 0 ] || FAILED=1
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$status" "$rc" "$took" "$(basename "$log")" >>"$STEPS"
  say "$name: $status (${took} s)"
}

# a. The GPU and the machine.
gpu_info() {
  local rc=0
  echo "===== nvidia-smi"
  nvidia-smi || rc=$?
  echo
  echo "===== nvidia-smi --query-gpu"
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm,clocks.max.mem --format=csv || rc=$?
  echo
  echo "===== machine"
  uname -srm
  ldd --version 2>&1 | head -n 1
  echo "cpus: $(nproc)"
  free -g 2>/dev/null | head -n 2
  echo
  echo "===== bundle"
  cat "$BUNDLE/bundle-info.txt" 2>/dev/null
  "$JAVA" -version 2>&1
  echo
  echo "===== CUDA libraries (the backend's JCuda driver natives need libcuda.so.1)"
  ldconfig -p 2>/dev/null | grep -E 'libcuda\.so|libnvrtc|libcudart|libcublas\.so' | head -n 20
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  command -v nvcc >/dev/null && nvcc --version | tail -n 2
  timeout 20 find /usr/local /usr/lib /usr/lib64 /opt -name 'libnvrtc.so*' 2>/dev/null | head -n 10
  echo
  echo "===== python"
  "$PYTHON" - <<'PY' 2>&1
import sys, importlib.metadata as m
def version(p):
    try:
        return m.version(p)
    except Exception:
        return "not installed"
print("python", sys.version.split()[0], *(f"{p} {version(p)}" for p in ("torch", "transformers")))
PY
  return "$rc"
}

# b. The GPU tests (run by step below, java itself under timeout so that its SIGQUIT reaches
# the JVM): JUnit's reports go to OUTDIR/junit/, then into one OUTDIR/junit.xml.
JUNIT=("$JAVA" "${JVM_FLAGS[@]}" -Xmx16g -Dsparkllm.requireGpu=true -Dsparkllm.cuda.sync=true -cp "$BUNDLE/lib/*"
       org.junit.platform.console.ConsoleLauncher execute
       --select-package dev.sparkllm.engine.cuda --fail-if-no-tests
       --details=tree --disable-banner --disable-ansi-colors --reports-dir "$OUT/junit")

collect_junit_xml() {
  local xmls=("$OUT"/junit/*.xml)
  if [ -f "${xmls[0]}" ]; then
    {
      echo '<?xml version="1.0" encoding="UTF-8"?>'
      echo '<reports>'
      for f in "${xmls[@]}"; do
        echo "<!-- $(basename "$f") -->"
        sed -e '1{/^<?xml/d}' "$f"
      done
      echo '</reports>'
    } >"$OUT/junit.xml"
  fi
  rm -rf "$OUT/junit"
}

# c. Our benchmark.
BENCH=("$JAVA" "${JVM_FLAGS[@]}" -Xmx16g -cp "$BUNDLE/lib/*"
       dev.sparkllm.engine.cuda.bench.CudaBench --out "$OUT/cuda-bench.json" --budget-s 45)

# The shell functions run as bash -c under timeout.
export BUNDLE OUT JAVA PYTHON STEPS
export -f gpu_info

#    name     log                     limit  reserve for later steps  signal
step gpu      "$OUT/gpu.txt"          30     $((60 + 90 + 20))        TERM bash -c gpu_info
step junit    "$OUT/junit.log"        240    $((60 + 90 + 20))        QUIT "${JUNIT[@]}"
collect_junit_xml
step bench    "$OUT/cuda-bench.log"   200    $((90 + 20))             QUIT "${BENCH[@]}"
# d. The transformers baseline: each workload's budget fits the step's time (imports, model
# and warm-up take about 40 s).
hf_left=$((BUDGET - (SECONDS - START) - 20))
hf_limit=$((180 < hf_left ? 180 : hf_left))
hf_budget=$(((hf_limit - 45) / 2))
hf_budget=$((hf_budget > 60 ? 60 : (hf_budget < 10 ? 10 : hf_budget)))
# shellcheck disable=SC2086 # HF_GENERATE_ARGS: words on purpose
step hf       "$OUT/hf.log"           180    20                       TERM \
  env PYTHONUNBUFFERED=1 "$PYTHON" "$BUNDLE/hf_generate.py" --out "$OUT/hf.json" --budget-s "$hf_budget" ${HF_GENERATE_ARGS:-}

# e. The summary (python3 is there for the baseline; without it the steps' table alone).
summarize() {
  "$PYTHON" - <<'PY'
import json, os

out, lines = os.environ["OUT"], []

def load(name):
    try:
        with open(os.path.join(out, name)) as f:
            return json.load(f), None
    except FileNotFoundError:
        return None, "missing"
    except Exception as e:  # noqa: BLE001
        return None, f"unreadable ({type(e).__name__}: {e})"

def num(v, fmt="{:.1f}"):
    return fmt.format(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else "missing"

ours, ours_err = load("cuda-bench.json")
hf, hf_err = load("hf.json")
info = ""
try:
    info = open(os.path.join(os.environ["BUNDLE"], "bundle-info.txt")).readline().strip()
except OSError:
    pass
gpu = (hf or {}).get("gpu") or (ours or {}).get("gpu")
try:  # the nvidia-smi query's line: name, memory, driver, max clocks
    txt = open(os.path.join(out, "gpu.txt")).read().splitlines()
    for i, l in enumerate(txt[:-1]):
        if l.startswith("name, memory.total"):
            gpu = txt[i + 1].strip()
            break
except OSError:
    pass
lines.append(f"## GPU check: {gpu or 'no GPU found'}" + (f" ({info})" if info else ""))
lines.append("")
def state(d, err):
    if err:
        return err
    return "error: " + str(d["error"])[:200] if d.get("error") else "ok"
lines.append(f"cuda-bench.json: {state(ours, ours_err)}; hf.json: {state(hf, hf_err)}"
             + (f" (torch {hf.get('torch')}, transformers {hf.get('transformers')}, batch {hf.get('batch')})"
                if hf and hf.get("torch") else ""))
lines.append("")
lines.append("| workload | ours tokens/s | transformers tokens/s | ours / transformers | ours prompts, output tokens | transformers prompts, output tokens |")
lines.append("|---|---|---|---|---|---|")
keys = ["shared", "nosharing"] + sorted(k for k in (ours or {}) if isinstance((ours or {}).get(k), dict)
                                      and "tokens_per_s" in ours[k] and k not in ("shared", "nosharing"))
for w in keys:
    o = (ours or {}).get(w) if isinstance((ours or {}).get(w), dict) else {}
    h = (hf or {}).get(w) if isinstance((hf or {}).get(w), dict) else {}
    ot, ht = o.get("tokens_per_s"), h.get("tokens_per_s")
    ratio = f"{ot / ht:.2f}x" if isinstance(ot, (int, float)) and isinstance(ht, (int, float)) and ht > 0 else "missing"
    def counts(d):
        if d.get("error"):
            return "error: " + str(d["error"])[:80]
        return f"{d.get('prompts', 'missing')}, {d.get('output_tokens', 'missing')}" if d else "missing"
    lines.append(f"| {w} | {num(ot)} | {num(ht)} | {ratio} | {counts(o)} | {counts(h)} |")

steps = (ours or {}).get("decode_steps")
if isinstance(steps, list) and steps:
    cols = []
    for row in steps:
        for k in (row if isinstance(row, dict) else {}):
            if k not in cols:
                cols.append(k)
    lines += ["", "decode_steps (cuda-bench.json):", "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in steps:
        row = row if isinstance(row, dict) else {}
        lines.append("| " + " | ".join(
            (f"{row[c]:.4g}" if isinstance(row.get(c), float) else str(row.get(c, ""))) for c in cols) + " |")

junit = "missing"
try:  # the console launcher's closing counts
    import re
    counts = {}
    for l in open(os.path.join(out, "junit.log"), errors="replace"):
        m = re.match(r"\[\s*(\d+) (tests|containers) (\w+)\s*\]", l.strip())
        if m:
            counts[(m.group(2), m.group(3))] = int(m.group(1))
    if counts:
        junit = ", ".join(f"{counts.get(('tests', k), 0)} {k}" for k in ("found", "successful", "failed", "skipped", "aborted"))
        junit = "tests: " + junit + f"; containers failed: {counts.get(('containers', 'failed'), 0)}"
except OSError:
    pass
lines += ["", f"JUnit (dev.sparkllm.engine.cuda): {junit}", "", "| step | result | seconds | log |", "|---|---|---|---|"]
with open(os.environ["STEPS"]) as f:
    for line in f:
        p = line.rstrip("\n").split("\t")
        if len(p) == 5:
            lines.append(f"| {p[0]} | {p[1]} | {p[3]} | {p[4]} |")
text = "\n".join(lines) + "\n"
with open(os.path.join(out, "summary.md"), "w") as f:
    f.write(text)
PY
}

export -f summarize
step summary "$WORK/summary.log" 30 0 TERM bash -c summarize
if [ ! -s "$OUT/summary.md" ]; then
  { echo "## GPU check: no summary ($PYTHON failed; see below)"; echo
    echo "| step | result | seconds | log |"; echo "|---|---|---|---|"
    awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $4, $5 }' "$STEPS"
    sed 's/^/    /' "$WORK/summary.log"; } >"$OUT/summary.md"
fi

# The end of each failed step's log, then the summary: the last lines printed.
while IFS=$'\t' read -r name status rc took log; do
  if [ "$status" != ok ]; then
    echo
    echo "----- $name: $status; last lines of $log:"
    tail -n 15 "$OUT/$log" 2>/dev/null || tail -n 15 "$WORK/$log" 2>/dev/null
  fi
done <"$STEPS"
echo
cat "$OUT/summary.md"
say "done: $(ls "$OUT" | wc -l) files in $OUT"
exit "$FAILED"
