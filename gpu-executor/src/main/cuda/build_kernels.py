#!/usr/bin/env python3
"""Compiles the engine's CUDA kernels at build time, with NVRTC from CUDA 12 (PyPI
nvidia-cuda-nvrtc-cu12), into what the jar carries:

  kernels.ptx          PTX for compute_80: the driver JIT-compiles it for any newer GPU.
  kernels.sm_80.cubin  machine code for Ampere (A100).
  kernels.sm_90.cubin  machine code for Hopper (H100, H200).
  kernels.sm_90a.cubin the same plus the kernels on Hopper-only instructions (wgmma); tried first there.

NVRTC rather than nvcc: PyPI's CUDA 12 compiler wheel carries only ptxas, while NVRTC 12 compiles
CUDA C++ to PTX and cubin by itself. A CUDA 12 toolchain makes PTX that CUDA 12 and 13 drivers
both load. Without NVRTC the build goes on without kernels (the CUDA backend then reports itself
unavailable), unless --require is given.

usage: build_kernels.py OUT_DIR [--require]
"""
import ctypes
import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = ["kernels.cu"]
TARGETS = [("kernels.ptx", "compute_80", "ptx"), ("kernels.sm_80.cubin", "sm_80", "cubin"),
           ("kernels.sm_90.cubin", "sm_90", "cubin"), ("kernels.sm_90a.cubin", "sm_90a", "cubin")]


def find_nvrtc():
    """libnvrtc.so.12: $NVRTC_LIB, then the pip wheel in $CUDA12_HOME or known prefixes, then the loader path."""
    candidates = []
    if os.environ.get("NVRTC_LIB"):
        candidates.append(os.environ["NVRTC_LIB"])
    roots = [os.environ.get("CUDA12_HOME", ""), os.path.expanduser("~/.cache/sparkllm/cuda12"), "/opt/cuda12"]
    roots += [p for p in sys.path if p]
    for root in roots:
        candidates += sorted(glob.glob(os.path.join(root, "nvidia", "cuda_nvrtc", "lib", "libnvrtc.so.12*")))
    candidates += ["libnvrtc.so.12"]
    for c in candidates:
        try:
            return ctypes.CDLL(c), c
        except OSError:
            continue
    return None, None


def include_dirs(nvrtc_path):
    """cuda_fp16.h, cuda_bf16.h and mma.h: NVRTC 12 has builtin copies, the runtime wheel has the files."""
    dirs = []
    base = os.path.dirname(os.path.dirname(os.path.dirname(nvrtc_path))) if nvrtc_path and "/" in nvrtc_path else ""
    for d in [os.path.join(base, "cuda_runtime", "include"), os.path.join(base, "cuda_nvcc", "include"),
              os.path.join(base, "cuda_nvrtc", "include")]:
        if os.path.isdir(d):
            dirs.append(d)
    return dirs


def check(lib, status, what, prog=None):
    if status != 0:
        lib.nvrtcGetErrorString.restype = ctypes.c_char_p
        msg = lib.nvrtcGetErrorString(status).decode()
        log = ""
        if prog is not None:
            size = ctypes.c_size_t()
            lib.nvrtcGetProgramLogSize(prog, ctypes.byref(size))
            buf = ctypes.create_string_buffer(size.value)
            lib.nvrtcGetProgramLog(prog, buf)
            log = buf.value.decode(errors="replace")
        raise RuntimeError(f"{what}: {msg}\n{log}")


def compile_one(lib, source, name, arch, kind, includes):
    prog = ctypes.c_void_p()
    check(lib, lib.nvrtcCreateProgram(ctypes.byref(prog), source, name.encode(), 0, None, None), "nvrtcCreateProgram")
    opts = [f"--gpu-architecture={arch}", "--std=c++17", "-default-device", "-lineinfo"] + [f"-I{d}" for d in includes]
    arr = (ctypes.c_char_p * len(opts))(*[o.encode() for o in opts])
    status = lib.nvrtcCompileProgram(prog, len(opts), arr)
    check(lib, status, f"compiling {name} for {arch}", prog)
    size = ctypes.c_size_t()
    if kind == "ptx":
        check(lib, lib.nvrtcGetPTXSize(prog, ctypes.byref(size)), "nvrtcGetPTXSize")
        buf = ctypes.create_string_buffer(size.value)
        check(lib, lib.nvrtcGetPTX(prog, buf), "nvrtcGetPTX")
    else:
        check(lib, lib.nvrtcGetCUBINSize(prog, ctypes.byref(size)), "nvrtcGetCUBINSize")
        buf = ctypes.create_string_buffer(size.value)
        check(lib, lib.nvrtcGetCUBIN(prog, buf), "nvrtcGetCUBIN")
    lib.nvrtcDestroyProgram(ctypes.byref(prog))
    return buf.raw[:size.value]


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    out_dir = sys.argv[1]
    require = "--require" in sys.argv[2:]
    lib, path = find_nvrtc()
    if lib is None:
        msg = "CUDA kernels NOT built: no libnvrtc.so.12 (pip install nvidia-cuda-nvrtc-cu12 nvidia-cuda-runtime-cu12 into ~/.cache/sparkllm/cuda12, or set NVRTC_LIB); the CUDA backend will report itself unavailable"
        print(msg)
        return 1 if require else 0
    source = b"".join(open(os.path.join(HERE, s), "rb").read() for s in SOURCES)
    newest = max(os.path.getmtime(os.path.join(HERE, s)) for s in SOURCES + ["build_kernels.py"])
    os.makedirs(out_dir, exist_ok=True)
    outputs = [os.path.join(out_dir, t[0]) for t in TARGETS]
    if all(os.path.exists(o) and os.path.getmtime(o) >= newest for o in outputs):
        print("CUDA kernels up to date in " + out_dir)
        return 0
    includes = include_dirs(path)
    for (file, arch, kind), out in zip(TARGETS, outputs):
        data = compile_one(lib, source, "kernels.cu", arch, kind, includes)
        with open(out, "wb") as f:
            f.write(data)
        print(f"CUDA kernels: {file} ({len(data)} bytes) with {os.path.basename(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
