#!/usr/bin/env bash
# Installs the pinned CUDA 12 compiler pieces the build uses to compile the engine's CUDA kernels
# (gpu-executor/src/main/cuda/build_kernels.py): NVRTC 12.6 and the CUDA 12.6 headers, from PyPI,
# into ~/.cache/sparkllm/cuda12 (or $CUDA12_HOME). No GPU or driver is needed to compile.
# Prints the install directory.
set -euo pipefail
DEST="${CUDA12_HOME:-${SPARKLLM_CACHE:-$HOME/.cache/sparkllm}/cuda12}"
if [ ! -f "$DEST/nvidia/cuda_nvrtc/lib/libnvrtc.so.12" ] || [ ! -f "$DEST/nvidia/cuda_nvcc/include/crt/mma.h" ]; then
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$DEST" \
    nvidia-cuda-nvrtc-cu12==12.6.85 nvidia-cuda-runtime-cu12==12.6.77 nvidia-cuda-nvcc-cu12==12.6.85 >&2
fi
echo "$DEST"
