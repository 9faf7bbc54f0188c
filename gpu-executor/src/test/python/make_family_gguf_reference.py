#!/usr/bin/env python3
"""llama.cpp's logits for the tiny Qwen3 and Gemma 3 fixtures, as GGUF files written by gguf-py.

For each case in FAMILY_DIR (made by make_family_reference.py) this writes, beside the Hugging
Face files:
  model.gguf            the weights as llama.cpp's convert_hf_to_gguf.py lays them out (its tensor
                        names; Gemma's norm weights + 1; no Q/K permutation, both rotate NEOX-style;
                        matrices BF16 as stored, vectors F32), the hyperparameters under the
                        architecture's keys, and a stand-in GPT-2 vocabulary of vocab_size tokens
                        (the 256 byte symbols, then control tokens) that only lets llama.cpp load
                        the file: the prompt is given as token ids
  llamacpp-logits.f32   llama.cpp's logits at every prompt position, float32 little-endian,
                        [positions][vocab]
It prints the largest difference from transformers' logits.fixture for information.

Usage: make_family_gguf_reference.py FAMILY_DIR
Requires: pip install llama-cpp-python gguf numpy (checked with llama-cpp-python 0.3.36, gguf 0.17.1).
"""
import json
import os
import struct
import sys

import numpy as np
import gguf
from llama_cpp import Llama

CASES = {"qwen3": "qwen3", "gemma3": "gemma3"}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        assert info["dtype"] == "BF16", info["dtype"]
        bits = np.frombuffer(data[a:b], dtype="<u2").reshape(info["shape"])
        out[name] = bits
    return out


def bf16_to_f32(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def gguf_name(name, gemma):
    """convert_hf_to_gguf.py's tensor_mapping for the names these models have."""
    n = (name.replace("model.embed_tokens.", "token_embd.")
         .replace("model.norm.", "output_norm.")
         .replace("lm_head.", "output.")
         .replace("model.layers.", "blk.")
         .replace(".input_layernorm.", ".attn_norm.")
         .replace(".self_attn.q_proj.", ".attn_q.")
         .replace(".self_attn.k_proj.", ".attn_k.")
         .replace(".self_attn.v_proj.", ".attn_v.")
         .replace(".self_attn.o_proj.", ".attn_output.")
         .replace(".self_attn.q_norm.", ".attn_q_norm.")
         .replace(".self_attn.k_norm.", ".attn_k_norm.")
         .replace(".pre_feedforward_layernorm.", ".ffn_norm.")
         .replace(".post_feedforward_layernorm.", ".post_ffw_norm.")
         .replace(".mlp.gate_proj.", ".ffn_gate.")
         .replace(".mlp.up_proj.", ".ffn_up.")
         .replace(".mlp.down_proj.", ".ffn_down."))
    n = n.replace(".post_attention_layernorm.", ".post_attention_norm." if gemma else ".ffn_norm.")
    assert n != name, name
    return n


def byte_symbols():
    """GPT-2's bytes_to_unicode, in byte order."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    shifted, out = 0, []
    for b in range(256):
        if b in printable:
            out.append(chr(b))
        else:
            out.append(chr(256 + shifted))
            shifted += 1
    return out


def write_gguf(case_dir, arch, cfg, path):
    gemma = arch.startswith("gemma")
    w = gguf.GGUFWriter(path, arch)
    w.add_name("tiny-" + arch)
    w.add_context_length(cfg["max_position_embeddings"])
    w.add_embedding_length(cfg["hidden_size"])
    w.add_block_count(cfg["num_hidden_layers"])
    w.add_feed_forward_length(cfg["intermediate_size"])
    w.add_head_count(cfg["num_attention_heads"])
    w.add_head_count_kv(cfg["num_key_value_heads"])
    w.add_key_length(cfg["head_dim"])
    w.add_value_length(cfg["head_dim"])
    w.add_rope_freq_base(cfg["rope_theta"])
    w.add_layer_norm_rms_eps(cfg["rms_norm_eps"])
    if gemma:
        w.add_sliding_window(cfg["sliding_window"])
    vocab = cfg["vocab_size"]
    tokens = byte_symbols() + ["Ġt"] + [f"<ctl{i}>" for i in range(vocab - 257)]
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("qwen2")
    w.add_token_list(tokens)
    w.add_token_types([1] * 257 + [3] * (vocab - 257))
    w.add_token_merges(["Ġ t"])
    w.add_bos_token_id(257)
    w.add_eos_token_id(258)
    w.add_add_bos_token(False)
    for name, bits in sorted(read_safetensors(os.path.join(case_dir, "model.safetensors")).items()):
        if bits.ndim == 1:
            values = bf16_to_f32(bits)
            if gemma and name.endswith("norm.weight"):
                values = values + np.float32(1.0)
            w.add_tensor(gguf_name(name, gemma), values.astype(np.float32))
        else:
            w.add_tensor(gguf_name(name, gemma), bits.copy(), raw_shape=bits.shape, raw_dtype=gguf.GGMLQuantizationType.BF16)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def main(family_dir):
    for case, arch in CASES.items():
        d = os.path.join(family_dir, case)
        with open(os.path.join(d, "config.json")) as f:
            cfg = json.load(f)
        with open(os.path.join(d, "prompt.json")) as f:
            prompt = json.load(f)["prompt_ids"]
        path = os.path.join(d, "model.gguf")
        write_gguf(d, arch, cfg, path)
        llm = Llama(model_path=path, n_ctx=256, n_batch=256, n_threads=2, logits_all=True, verbose=False)
        llm.eval(prompt)
        logits = np.asarray(llm.scores[: len(prompt)], dtype=np.float32)
        logits.astype("<f4").tofile(os.path.join(d, "llamacpp-logits.f32"))
        hf = np.fromfile(os.path.join(d, "logits.f32"), dtype="<f4").reshape(logits.shape)
        print(case, "llama.cpp vs transformers: max |diff|", float(np.abs(logits - hf).max()))


if __name__ == "__main__":
    main(sys.argv[1])
