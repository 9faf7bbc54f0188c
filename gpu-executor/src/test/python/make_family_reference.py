#!/usr/bin/env python3
"""Tiny random Gemma 3, Gemma 2, Qwen3 and sliding-window Mistral checkpoints with transformers' logits.

For each case this writes, under OUT_DIR/<case>/:
  config.json        as the Hub's checkpoints spell it (transformers 4.x keys: rope_theta,
                     rope_local_base_freq, sliding_window_pattern...), which transformers 5 still reads
  model.safetensors  the weights in bfloat16, under the Hugging Face names
  prompt.json        the prompt's token ids
  logits.f32         transformers' logits at every prompt position, float32 little-endian,
                     [positions][vocab], from the bf16 weights upcast to float32 (eager attention)
The tokenizer is not part of the fixture: the Java test adds its own tiny tokenizer.json.
make_family_gguf_reference.py then writes the Qwen3 and Gemma 3 cases as GGUF and adds llama.cpp's logits.

Weights are N(0, 0.1) (Gemma's norm weights too, which it applies as 1 + w; the others' norms
1 + N(0, 0.1)), large enough that a wrong norm, window or RoPE base moves the logits.
The window (5) is short and the prompt (70) long, so sliding layers mask most positions and a
query's window starts past the attention's first 64-position chunk.

Usage: make_family_reference.py OUT_DIR
Requires: pip install torch transformers safetensors numpy (checked with transformers 5.25, torch 2.15).
"""
import json
import os
import sys

import numpy as np
import torch
from safetensors.torch import save_file
from transformers import AutoConfig, AutoModelForCausalLM

VOCAB = 300
PROMPT_LENGTH = 70
WINDOW = 5
SEED = 20251207

COMMON = {
    "vocab_size": VOCAB,
    "hidden_size": 32,
    "intermediate_size": 64,
    "num_attention_heads": 2,
    "num_key_value_heads": 1,
    "head_dim": 16,
    "max_position_embeddings": 256,
    "bos_token_id": 0,
    "eos_token_id": 1,
    "pad_token_id": 2,
}

CASES = {
    # Six layers: five sliding to one global; local RoPE base differs from the global one.
    "gemma3": dict(COMMON, architectures=["Gemma3ForCausalLM"], model_type="gemma3_text", num_hidden_layers=6,
                   rms_norm_eps=1e-6, rope_theta=1000000.0, rope_local_base_freq=10000.0, sliding_window=WINDOW,
                   sliding_window_pattern=6, query_pre_attn_scalar=16, hidden_activation="gelu_pytorch_tanh",
                   final_logit_softcapping=None, attn_logit_softcapping=None, rope_scaling=None,
                   tie_word_embeddings=True, torch_dtype="bfloat16"),
    # Soft caps small enough to bite on these scores and logits.
    "gemma2": dict(COMMON, architectures=["Gemma2ForCausalLM"], model_type="gemma2", num_hidden_layers=2,
                   rms_norm_eps=1e-6, rope_theta=10000.0, sliding_window=WINDOW, query_pre_attn_scalar=24,
                   hidden_activation="gelu_pytorch_tanh", final_logit_softcapping=3.0, attn_logit_softcapping=2.0,
                   tie_word_embeddings=True, torch_dtype="bfloat16"),
    "qwen3": dict(COMMON, architectures=["Qwen3ForCausalLM"], model_type="qwen3", num_hidden_layers=2,
                  rms_norm_eps=1e-6, rope_theta=1000000.0, hidden_act="silu", attention_bias=False,
                  use_sliding_window=False, sliding_window=None, rope_scaling=None,
                  tie_word_embeddings=False, torch_dtype="bfloat16"),
    "mistral-window": dict(COMMON, architectures=["MistralForCausalLM"], model_type="mistral", num_hidden_layers=2,
                           rms_norm_eps=1e-5, rope_theta=10000.0, hidden_act="silu", sliding_window=WINDOW,
                           tie_word_embeddings=False, torch_dtype="bfloat16"),
}


def randomize(model, gemma, gen):
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = 0.1 * torch.randn(p.shape, generator=gen)
            if name.endswith("norm.weight") and not gemma:
                noise += 1.0
            p.copy_(noise.to(torch.bfloat16).to(torch.float32))


def main(out_dir):
    gen = torch.Generator().manual_seed(SEED)
    for case, cfg in CASES.items():
        d = os.path.join(out_dir, case)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
        config = AutoConfig.from_pretrained(d)
        config._attn_implementation = "eager"
        model = AutoModelForCausalLM.from_config(config, dtype=torch.float32, attn_implementation="eager").eval()
        randomize(model, case.startswith("gemma"), gen)
        tensors = {n: p.detach().to(torch.bfloat16).contiguous() for n, p in model.state_dict().items()}
        if cfg["tie_word_embeddings"]:
            tensors.pop("lm_head.weight", None)
        save_file(tensors, os.path.join(d, "model.safetensors"), metadata={"format": "pt"})
        prompt = torch.randint(0, VOCAB, (PROMPT_LENGTH,), generator=gen)
        with torch.no_grad():
            logits = model(prompt.unsqueeze(0)).logits[0].to(torch.float32).numpy()
        logits.astype("<f4").tofile(os.path.join(d, "logits.f32"))
        with open(os.path.join(d, "prompt.json"), "w") as f:
            json.dump({"prompt_ids": prompt.tolist()}, f)
        print(case, "layer types:", getattr(config, "layer_types", None), "logits", logits.shape,
              "max |logit|", float(np.abs(logits).max()))


if __name__ == "__main__":
    main(sys.argv[1])
