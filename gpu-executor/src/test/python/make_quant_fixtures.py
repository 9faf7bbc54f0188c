#!/usr/bin/env python3
"""Writes the block-decoding fixtures that DequantizeFixtureTest checks Dequantize against.

For every GGML type the engine reads, this writes to
gpu-executor/src/test/resources/quant-fixtures/:

  <TYPE>.blocks  raw block bytes, exactly as they sit in a GGUF tensor (little-endian)
  <TYPE>.f32     the values gguf-py decodes them to (gguf.quants.dequantize), float32 little-endian

gguf-py is an implementation independent of the Java code (numpy, written from ggml-quants.c), so
agreement is a real check of the block layouts. Types gguf-py can quantize are made from random
floats; for the K-quants and IQ4 types (which gguf-py only decodes) random but valid blocks are
generated: small positive f16 (super-)block scales and random bytes for everything else.

Usage:  pip install gguf numpy && python3 make_quant_fixtures.py
"""
import pathlib

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import quants

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "quant-fixtures"
QK_K = 256


def f16_bytes(values):
    return np.asarray(values, dtype=np.float16).view(np.uint8).reshape(-1, 2)


def random_k_blocks(rng, n_blocks, qtype):
    def scale():
        return f16_bytes(rng.uniform(1e-4, 2e-2, n_blocks))

    def randbytes(n):
        return rng.integers(0, 256, size=(n_blocks, n), dtype=np.uint8)

    if qtype == T.Q2_K:
        # 16 bytes of 4-bit scale/min pairs, 64 bytes of 2-bit quants, f16 d, f16 dmin
        return np.concatenate([randbytes(16 + 64), scale(), scale()], axis=1)
    if qtype == T.Q3_K:
        # 32 bytes hmask, 64 bytes of 2-bit quants, 12 bytes of packed 6-bit scales, f16 d
        return np.concatenate([randbytes(32 + 64 + 12), scale()], axis=1)
    if qtype == T.Q5_K:
        # f16 d, f16 dmin, 12 bytes of scales/mins (as Q4_K), 32 bytes of fifth bits, 128 bytes of nibbles
        return np.concatenate([scale(), scale(), randbytes(12 + 32 + 128)], axis=1)
    if qtype == T.IQ4_NL:
        # f16 d, 16 bytes of nibbles indexing the non-linear levels
        return np.concatenate([scale(), randbytes(16)], axis=1)
    if qtype == T.IQ4_XS:
        # f16 d, u16 scales_h, 4 bytes scales_l, 128 bytes of nibbles
        return np.concatenate([scale(), randbytes(2 + 4 + 128)], axis=1)
    if qtype == T.Q4_K:
        # f16 d, f16 dmin, 12 bytes of packed 6-bit scales/mins, 128 bytes of nibbles
        d = f16_bytes(rng.uniform(1e-4, 2e-2, n_blocks))
        dmin = f16_bytes(rng.uniform(1e-4, 2e-2, n_blocks))
        rest = rng.integers(0, 256, size=(n_blocks, 12 + 128), dtype=np.uint8)
        return np.concatenate([d, dmin, rest], axis=1)
    if qtype == T.Q6_K:
        # 128 bytes ql, 64 bytes qh, 16 int8 scales, f16 d (at the end)
        body = rng.integers(0, 256, size=(n_blocks, 128 + 64 + 16), dtype=np.uint8)
        d = f16_bytes(rng.uniform(1e-4, 2e-2, n_blocks))
        return np.concatenate([body, d], axis=1)
    raise ValueError(qtype)


def special_f16():
    """Every interesting half: zeros, subnormals, normals, max, infinities, NaNs, plus random bits."""
    bits = [0x0000, 0x8000, 0x0001, 0x8001, 0x03FF, 0x83FF, 0x0400, 0x8400, 0x3C00, 0xBC00,
            0x7BFF, 0xFBFF, 0x7C00, 0xFC00, 0x7E00, 0x7C01, 0xFE00, 0x7FFF, 0x3555, 0x0200]
    rng = np.random.default_rng(7)
    bits += list(rng.integers(0, 1 << 16, size=300))
    return np.array(bits, dtype=np.uint16).view(np.uint8)


def special_bf16():
    bits = [0x0000, 0x8000, 0x0001, 0x3F80, 0xBF80, 0x7F7F, 0x7F80, 0xFF80, 0x7FC0, 0x0080]
    rng = np.random.default_rng(8)
    bits += list(rng.integers(0, 1 << 16, size=300))
    return np.array(bits, dtype=np.uint16).view(np.uint8)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20240601)
    fixtures = {}

    floats = rng.standard_normal(4 * 32).astype(np.float32) * 0.7
    floats[:32] += 3.0                       # a block that is all positive (Q4_1's min matters)
    floats[32:64] = 0.0                      # an all-zero block (zero scale path)
    for qtype in (T.Q8_0, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1):
        fixtures[qtype] = quants.quantize(floats.reshape(1, -1), qtype).reshape(-1)

    fixtures[T.F32] = np.concatenate([floats, np.array([np.inf, -np.inf, 1e-42], np.float32)]).view(np.uint8)
    fixtures[T.F16] = special_f16()
    fixtures[T.BF16] = special_bf16()
    for qtype in (T.Q4_K, T.Q6_K, T.Q2_K, T.Q3_K, T.Q5_K, T.IQ4_XS):   # new types after, old fixtures unchanged
        fixtures[qtype] = random_k_blocks(rng, 3, qtype).reshape(-1)
    fixtures[T.IQ4_NL] = random_k_blocks(rng, 8, T.IQ4_NL).reshape(-1)

    for qtype, raw in fixtures.items():
        raw = np.ascontiguousarray(raw, dtype=np.uint8)
        block_size, type_size = quants.GGML_QUANT_SIZES[qtype]
        n_blocks = raw.size // type_size
        assert raw.size == n_blocks * type_size, qtype
        expected = quants.dequantize(raw.reshape(n_blocks, type_size), qtype).astype(np.float32).reshape(-1)
        assert expected.size == n_blocks * block_size
        (OUT / f"{qtype.name}.blocks").write_bytes(raw.tobytes())
        (OUT / f"{qtype.name}.f32").write_bytes(expected.astype("<f4").tobytes())
        print(f"{qtype.name}: {n_blocks} blocks, {expected.size} values")


if __name__ == "__main__":
    main()
