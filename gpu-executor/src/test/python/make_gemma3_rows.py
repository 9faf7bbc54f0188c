#!/usr/bin/env python3
"""Writes the reference rows Gemma3QuantTypesTest checks Dequantize against on a real file.

For one tensor of each quantized type in Gemma 3 270M Q4_K_M (ci/fetch-gemma3-270m.sh), this
decodes rows 0, 1 and the last with gguf-py (gguf.quants.dequantize, independent of the Java
code) and writes them, float32 little-endian, to
gpu-executor/src/test/resources/quant-fixtures/gemma3-270m/<tensor name>.f32.

Usage:  python3 make_gemma3_rows.py ~/.cache/sparkllm/models/gemma-3-270m-q4_k_m.gguf
"""
import pathlib
import sys

import numpy as np
from gguf import GGUFReader
from gguf import quants

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "quant-fixtures" / "gemma3-270m"
TENSORS = ("blk.0.attn_q.weight",        # Q5_0
           "blk.5.ffn_up.weight",        # Q5_0
           "blk.0.attn_output.weight",   # Q4_K
           "blk.0.ffn_down.weight",      # Q6_K
           "blk.0.attn_v.weight",        # Q8_0
           "token_embd.weight")          # Q8_0


def main():
    reader = GGUFReader(sys.argv[1])
    by_name = {t.name: t for t in reader.tensors}
    OUT.mkdir(parents=True, exist_ok=True)
    for name in TENSORS:
        t = by_name[name]
        raw = np.asarray(t.data)
        rows = raw.shape[0]
        picked = np.stack([raw[0], raw[1], raw[rows - 1]])
        values = quants.dequantize(picked, t.tensor_type).astype("<f4")
        (OUT / f"{name}.f32").write_bytes(values.tobytes())
        print(f"{name}: {t.tensor_type.name}, {rows} rows of {values.shape[-1]}")


if __name__ == "__main__":
    main()
