#!/usr/bin/env bash
# Prepares what a GPU machine without Java, Maven or network needs to run the GPU checks:
#   ci/gpu-bundle.sh [DIR]      (default: gpu-bundle/ in the repository root, ignored by git)
# DIR gets jre.tar.xz (a jlink'd Java 17 runtime, unpacked by gpu-check.sh), lib/ (gpu-executor,
# its runtime dependencies with the JCuda natives for linux-x86_64, its test jar, the JUnit console
# launcher and jqwik), gpu-check.sh, hf_generate.py, jvm-flags.sh (ci/env.sh's JVM flags) and
# bundle-info.txt.
# On the GPU machine: bash DIR/gpu-check.sh OUTDIR (see README.md, "GPU check").
# Fails when DIR is over GPU_BUNDLE_MAX_MIB (60) MiB.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

DIR="${1:-$REPO_ROOT/gpu-bundle}"
MAX_MIB="${GPU_BUNDLE_MAX_MIB:-60}"
CONSOLE_ARTIFACT=org.junit.platform:junit-platform-console-standalone:1.11.4
JCUDA_NATIVES_ARTIFACT=org.jcuda:jcuda-natives:12.6.0:jar:linux-x86_64
# Modules added to what jdeps finds: the Vector API, Unsafe (Arrow), JMX and logging (JUnit,
# Arrow's memory accounting), the jar file system (a service jdeps cannot see: JUnit's package
# scan of a jar needs it), the platform's MXBeans, Flight Recorder (for profiling a run with
# -XX:StartFlightRecording).
EXTRA_MODULES=jdk.incubator.vector,jdk.unsupported,java.management,java.logging,jdk.zipfs,jdk.management,jdk.jfr
# Used when jdeps fails: covers Arrow, Jackson, jinjava, the JUnit platform and jqwik.
FALLBACK_MODULES=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.scripting,java.sql,java.xml,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.unsupported,jdk.zipfs,jdk.incubator.vector

log() { echo "gpu-bundle: $*" >&2; }

# The JDK 17 to jlink with (its jmods must match the runtime we make): JAVA_HOME, the javac on
# the PATH, or a JDK 17 under /usr/lib/jvm.
jdk17_home() {
  local candidates=() c
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for c in /usr/lib/jvm/*17*; do candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    if [ -x "$c/bin/jlink" ] && [ -d "$c/jmods" ] && grep -q '^JAVA_VERSION="17' "$c/release" 2>/dev/null; then
      echo "$c"
      return
    fi
  done
  log "no JDK 17 with jmods found (set JAVA_HOME)"
  return 1
}

JDK="$(jdk17_home)"
log "JDK: $JDK"

log "building gpu-executor (and its test jar)"
(cd "$REPO_ROOT" && mvn -B -q -DskipTests -pl gpu-executor -am install) >&2
TARGET="$REPO_ROOT/gpu-executor/target"
# The version of the jar just built (the newest main jar).
VERSION="$(ls -t "$TARGET"/gpu-executor-*.jar | grep -v -e '-cli\.jar$' -e '-tests\.jar$' -e '-sources\.jar$' \
           | head -n 1 | sed -e 's|.*/gpu-executor-||' -e 's|\.jar$||')"
MAIN_JAR="$TARGET/gpu-executor-$VERSION.jar"
TEST_JAR="$TARGET/gpu-executor-$VERSION-tests.jar"
for f in "$MAIN_JAR" "$TEST_JAR"; do
  [ -f "$f" ] || { log "missing $f"; exit 1; }
done

# The CUDA kernels (PTX and cubins, built by NVRTC 12 into the main jar): without them the GPU
# checks can only report the backend unavailable.
KERNELS="$(unzip -Z1 "$MAIN_JAR" 'dev/sparkllm/engine/cuda/kernels*' 2>/dev/null | xargs -r -n 1 basename | paste -sd' ' -)"
if [ -z "$KERNELS" ]; then
  if [ "${GPU_BUNDLE_ALLOW_NO_KERNELS:-0}" != 1 ]; then
    log "FAILED: $MAIN_JAR has no CUDA kernels (dev/sparkllm/engine/cuda/kernels*): NVRTC 12 was not found"
    log "at build time (see gpu-executor/src/main/cuda/build_kernels.py); GPU_BUNDLE_ALLOW_NO_KERNELS=1 bundles anyway"
    exit 1
  fi
  KERNELS=none
fi
log "kernels in the jar: $KERNELS"

case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ] && [ ! -f "$DIR/gpu-check.sh" ] && [ ! -f "$DIR/jre.tar.xz" ]; then
  log "$DIR exists and is not a bundle: not replacing it"
  exit 1
fi
rm -rf "$DIR"
mkdir -p "$DIR/lib"
LIB="$DIR/lib"

log "collecting jars into $LIB"
cp "$MAIN_JAR" "$TEST_JAR" "$LIB/"
(cd "$REPO_ROOT" && mvn -B -q -pl gpu-executor dependency:copy-dependencies \
   -DincludeScope=runtime -DoutputDirectory="$LIB") >&2
if ! ls "$LIB"/jcuda-natives-*-linux-x86_64.jar >/dev/null 2>&1; then
  (cd "$REPO_ROOT" && mvn -B -q dependency:copy -Dartifact="$JCUDA_NATIVES_ARTIFACT" -DoutputDirectory="$LIB") >&2
fi
# Other platforms' natives, if any came along, are of no use on an x86-64 Linux machine.
find "$LIB" -name 'jcuda*-natives-*.jar' ! -name '*-linux-x86_64.jar' -delete
(cd "$REPO_ROOT" && mvn -B -q dependency:copy -Dartifact="$CONSOLE_ARTIFACT" -DoutputDirectory="$LIB") >&2
# jqwik (test scope) for any @Property in the GPU tests; the JUnit platform, Jupiter, opentest4j
# and apiguardian are in the console jar, Jazzer is for fuzzing only.
(cd "$REPO_ROOT" && mvn -B -q -pl gpu-executor dependency:copy-dependencies \
   -DincludeScope=test -DincludeGroupIds=net.jqwik -DoutputDirectory="$LIB") >&2

STAGE="$(mktemp -d "${TMPDIR:-/tmp}/gpu-bundle.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

log "computing the runtime's modules with jdeps"
# jdeps resolves a modular jar's 'requires' as modules and fails on the automatic ones, so it reads
# copies without module-info.class, all on the class path.
mkdir -p "$STAGE/jdeps"
cp "$LIB"/*.jar "$STAGE/jdeps/"
for jar in "$STAGE"/jdeps/*.jar; do
  if unzip -Z1 "$jar" 2>/dev/null | grep 'module-info\.class$' >/dev/null; then  # (not grep -q: pipefail)
    zip -q -d "$jar" 'module-info.class' 'META-INF/versions/*/module-info.class' >/dev/null 2>&1 || true
  fi
done
MODULES=""
if MODULES="$("$JDK/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 -q \
                --class-path "$STAGE/jdeps/*" "$STAGE"/jdeps/*.jar 2>"$STAGE/jdeps.err" | tail -n 1)" \
   && [[ "$MODULES" =~ ^java\.base[a-zA-Z0-9._,]*$ ]]; then
  MODULES="$MODULES,$EXTRA_MODULES"
else
  log "jdeps failed ($(head -c 300 "$STAGE/jdeps.err")); using the fallback module list"
  MODULES="$FALLBACK_MODULES"
fi
MODULES="$(tr ',' '\n' <<<"$MODULES" | sort -u | paste -sd, -)"
log "modules: $MODULES"

# The runtime travels as jre.tar.xz, unpacked by gpu-check.sh: a jlink image with compressed
# modules (--compress=2) is still ~48 MiB, mostly libjvm.so, and the jars are ~27 MiB; an
# uncompressed image under xz is ~17 MiB (and loads classes a little faster).
COMPRESS=--compress=0
if "$JDK/bin/jlink" --help 2>&1 | grep -q 'zip-\[0-9\]'; then
  COMPRESS=--compress=zip-0   # newer jlink deprecates the numbered levels
fi
if ! "$JDK/bin/jlink" --module-path "$JDK/jmods" --add-modules "$MODULES" \
     --strip-debug --no-man-pages --no-header-files "$COMPRESS" --output "$STAGE/jre" >"$STAGE/jlink.log" 2>&1; then
  cat "$STAGE/jlink.log" >&2
  log "jlink failed"
  exit 1
fi
"$STAGE/jre/bin/java" -version 2>&1 | grep -v 'WARNING: Using incubator modules' >&2
JRE_BYTES="$(du -sb "$STAGE/jre" | cut -f1)"
log "packing the runtime into jre.tar.xz"
tar -C "$STAGE" -cf - jre | xz -T0 -6 >"$DIR/jre.tar.xz"
# Unpacked as gpu-check.sh does, it runs.
mkdir -p "$STAGE/check"
tar -C "$STAGE/check" -xJf "$DIR/jre.tar.xz"
"$STAGE/check/jre/bin/java" -version >/dev/null 2>&1 || { log "the packed runtime does not run"; exit 1; }

cp "$REPO_ROOT/ci/gpu-check.sh" "$REPO_ROOT/ci/bench/hf_generate.py" "$DIR/"
chmod +x "$DIR/gpu-check.sh"
# The JVM flags of ci/env.sh, for gpu-check.sh (which has no repository to source them from).
declare -p JVM_FLAGS >"$DIR/jvm-flags.sh"
{
  echo "commit: $(cd "$REPO_ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)$(cd "$REPO_ROOT" && [ -n "$(git status --porcelain -- gpu-executor prefix-planner pom.xml 2>/dev/null)" ] && echo ' (with uncommitted changes)')"
  echo "built: $(date -u '+%Y-%m-%dT%H:%M:%SZ') on $(hostname)"
  echo "jdk: $("$STAGE/jre/bin/java" -version 2>&1 | grep -v WARNING | head -n 1)"
  echo "kernels: $KERNELS"
  echo "modules: $MODULES"
} >"$DIR/bundle-info.txt"

# Size: the limit is what can travel to the GPU machine.
BYTES="$(du -sb "$DIR" | cut -f1)"
MIB="$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1048576 }')"
{
  echo "bundle $DIR: $MIB MiB ($BYTES bytes)"
  echo "  jre.tar.xz $(du -sb "$DIR/jre.tar.xz" | awk '{ printf "%.1f MiB", $1 / 1048576 }') ($(awk -v b="$JRE_BYTES" 'BEGIN { printf "%.1f", b / 1048576 }') MiB unpacked)"
  echo "  lib/ $(du -sb "$LIB" | awk '{ printf "%.1f MiB", $1 / 1048576 }'), biggest first:"
  ls -S "$LIB" | head -n 12 | while read -r f; do
    printf '    %7.1f MiB  %s\n' "$(awk -v b="$(stat -c %s "$LIB/$f")" 'BEGIN { print b / 1048576 }')" "$f"
  done
  echo "  $(ls "$LIB" | wc -l) jars in lib/"
}
if [ "$BYTES" -gt $((MAX_MIB * 1048576)) ]; then
  log "FAILED: the bundle is $MIB MiB, over the limit of $MAX_MIB MiB"
  exit 1
fi
echo "gpu-bundle: ready; on the GPU machine: bash $DIR/gpu-check.sh OUTDIR"
