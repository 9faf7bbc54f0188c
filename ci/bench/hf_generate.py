#!/usr/bin/env python3
"""The GPU baseline: Hugging Face transformers' generate on the workloads of our CUDA benchmark.

A LlamaForCausalLM of the Llama-3-8B shape in bfloat16 with random weights made on the GPU
(attention: sdpa), greedy, exactly --output-tokens new tokens per prompt (no EOS can stop it), on
two workloads of seeded random token ids:

  shared     prompts of a --prefix-len shared prefix and --suffix-len distinct tokens; groups of
             --group prompts share a prefix, different groups have different prefixes
  nosharing  prompts of --nosharing-len distinct tokens

Each runs --prompts prompts in batches of --batch after one small warm-up generate, and stops
launching batches once --budget-s seconds are used (at least one batch runs). tokens/s is the
generated tokens over the wall seconds of the batches. Writes --out as JSON:
{"shared": {...}, "nosharing": {...}, "gpu", "torch", "transformers", "batch", ...}, each workload
with tokens_per_s, total_tokens_per_s, prompts, output_tokens, prompt_tokens, seconds, batches.

Runs where transformers 4.4x or 5.x is installed; cuda when there is one, else the CPU.
--tiny: a 2-layer model with hidden size 64, vocabulary 512 and short prompts (to try the script).
Run by gpu-check.sh (see ci/gpu-bundle.sh); also usable alone: python3 hf_generate.py --out hf.json
"""
import argparse
import contextlib
import faulthandler
import json
import os
import signal
import sys
import time

# A kill by timeout (SIGTERM) shows where it was stuck.
faulthandler.register(signal.SIGTERM, all_threads=True, chain=True)

LLAMA3_8B = dict(
    vocab_size=128256,
    hidden_size=4096,
    intermediate_size=14336,
    num_hidden_layers=32,
    num_attention_heads=32,
    num_key_value_heads=8,
    max_position_embeddings=8192,
    rms_norm_eps=1e-5,
    rope_theta=500000.0,
)
TINY = dict(
    vocab_size=512,
    hidden_size=64,
    intermediate_size=128,
    num_hidden_layers=2,
    num_attention_heads=4,
    num_key_value_heads=2,
    max_position_embeddings=512,
    rms_norm_eps=1e-5,
    rope_theta=500000.0,
)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, help="the JSON file to write")
    p.add_argument("--batch", type=int, default=32, help="prompts per generate call (32)")
    p.add_argument("--prompts", type=int, default=64, help="prompts per workload (64)")
    p.add_argument("--budget-s", type=float, default=60.0,
                   help="seconds per workload after which no new batch starts (60)")
    p.add_argument("--output-tokens", type=int, default=100, help="new tokens per prompt (100)")
    p.add_argument("--prefix-len", type=int, default=None, help="shared prefix tokens (2000)")
    p.add_argument("--suffix-len", type=int, default=None, help="distinct tokens after the prefix (200)")
    p.add_argument("--nosharing-len", type=int, default=None, help="prompt tokens of nosharing (2200)")
    p.add_argument("--group", type=int, default=16, help="prompts sharing one prefix (16)")
    p.add_argument("--workloads", default="shared,nosharing", help="which to run (shared,nosharing)")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--device", default=None, help="cuda or cpu (default: cuda when available)")
    p.add_argument("--tiny", action="store_true",
                   help="2 layers, hidden 64, vocabulary 512, short prompts: to try the script anywhere")
    a = p.parse_args(argv)
    short = a.tiny
    if a.prefix_len is None:
        a.prefix_len = 48 if short else 2000
    if a.suffix_len is None:
        a.suffix_len = 16 if short else 200
    if a.nosharing_len is None:
        a.nosharing_len = a.prefix_len + a.suffix_len
    return a


def log(*parts):
    print("hf_generate:", *parts, flush=True)


def make_config(shape):
    from transformers import LlamaConfig

    common = dict(
        bos_token_id=None,
        eos_token_id=None,   # no EOS: every prompt gets exactly the tokens asked for
        pad_token_id=0,
        tie_word_embeddings=False,
        initializer_range=0.02,
        use_cache=True,
    )
    base = {k: v for k, v in shape.items() if k != "rope_theta"}
    theta = shape["rope_theta"]
    attempts = [
        dict(rope_parameters={"rope_type": "default", "rope_theta": theta}),  # transformers 5
        dict(rope_theta=theta),                                                # transformers 4
    ]
    last = None
    for extra in attempts:
        for attn in (dict(attn_implementation="sdpa"), {}):
            try:
                config = LlamaConfig(**base, **common, **extra, **attn)
            except (TypeError, ValueError) as e:  # an argument this version does not take
                last = e
                continue
            with contextlib.suppress(Exception):
                config._attn_implementation = "sdpa"
            if rope_theta_of(config) == theta:
                return config
            last = ValueError(f"rope theta {rope_theta_of(config)} after {extra}")
    raise RuntimeError(f"could not make a LlamaConfig: {last}")


def rope_theta_of(config):
    params = getattr(config, "rope_parameters", None) or getattr(config, "rope_scaling", None)
    if isinstance(params, dict) and "rope_theta" in params:
        return params["rope_theta"]
    return getattr(config, "rope_theta", None)


def make_model(config, device, dtype):
    import torch
    from transformers import LlamaForCausalLM

    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)  # parameters are made in bf16, on the device: no CPU init
    try:
        with torch.device(device):
            try:
                model = LlamaForCausalLM(config)
            except TypeError:
                model = LlamaForCausalLM._from_config(config)
    finally:
        torch.set_default_dtype(previous)
    # (Made in place; .to() only if this version put something elsewhere, since it would also
    # cast the float32 RoPE buffer.)
    if any(p.dtype != dtype or p.device.type != torch.device(device).type for p in model.parameters()):
        model = model.to(device=device, dtype=dtype)
    # The values do not matter for speed, but they must be finite and not all zeros: set them
    # ourselves, whatever this version's initialisation did (or skipped).
    gen = torch.Generator(device=device)
    gen.manual_seed(0)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() >= 2:
                p.normal_(0.0, 0.02, generator=gen)
            else:
                p.fill_(1.0)  # the RMSNorm weights
    model.eval()
    # Greedy, no EOS: the model's generation config must not bring one back.
    gc = model.generation_config
    for key, value in dict(eos_token_id=None, bos_token_id=None, pad_token_id=0, do_sample=False,
                           temperature=None, top_p=None, top_k=None).items():
        with contextlib.suppress(Exception):
            setattr(gc, key, value)
    return model


def workload_prompts(kind, a, vocab_limit, rng):
    """The token ids of each prompt (lists of ints), seeded."""
    prompts = []
    if kind == "shared":
        prefix = None
        for i in range(a.prompts):
            if i % a.group == 0:
                prefix = rng.integers(0, vocab_limit, a.prefix_len).tolist()
            prompts.append(prefix + rng.integers(0, vocab_limit, a.suffix_len).tolist())
    elif kind == "nosharing":
        for _ in range(a.prompts):
            prompts.append(rng.integers(0, vocab_limit, a.nosharing_len).tolist())
    else:
        raise ValueError(f"unknown workload {kind}")
    return prompts


def generate(model, ids, new_tokens):
    import torch

    attention = torch.ones_like(ids)
    kwargs = dict(input_ids=ids, attention_mask=attention, max_new_tokens=new_tokens,
                  min_new_tokens=new_tokens, do_sample=False, eos_token_id=None, pad_token_id=0,
                  use_cache=True)
    with torch.inference_mode():
        out = model.generate(**kwargs)
    if hasattr(out, "sequences"):
        out = out.sequences
    return out


def sync(device):
    import torch

    if str(device).startswith("cuda"):
        torch.cuda.synchronize()


def run_workload(kind, model, a, device, vocab_limit, seed):
    import numpy as np
    import torch

    rng = np.random.default_rng(seed)
    prompts = workload_prompts(kind, a, vocab_limit, rng)
    batches, prompt_tokens, output_tokens, ran = [], 0, 0, 0
    budget_hit = False
    spent = 0.0
    for start in range(0, len(prompts), a.batch):
        if batches and spent >= a.budget_s:
            budget_hit = True
            log(f"{kind}: budget of {a.budget_s:.0f} s used, {len(prompts) - start} prompts not run")
            break
        chunk = prompts[start:start + a.batch]
        ids = torch.tensor(chunk, dtype=torch.long, device=device)
        sync(device)
        t0 = time.perf_counter()
        out = generate(model, ids, a.output_tokens)
        sync(device)
        seconds = time.perf_counter() - t0
        new = int(out.shape[1] - ids.shape[1])
        if new != a.output_tokens:
            log(f"{kind}: WARNING: {new} new tokens per prompt, not {a.output_tokens}")
        spent += seconds
        ran += len(chunk)
        prompt_tokens += int(ids.numel())
        output_tokens += new * len(chunk)
        batches.append(round(seconds, 4))
        log(f"{kind}: batch {len(batches)} ({len(chunk)} prompts x {ids.shape[1]} tokens"
            f" + {new} new): {seconds:.3f} s, {new * len(chunk) / seconds:.1f} generated tokens/s")
    result = dict(
        tokens_per_s=round(output_tokens / spent, 3) if spent else 0.0,
        total_tokens_per_s=round((prompt_tokens + output_tokens) / spent, 3) if spent else 0.0,
        prompts=ran,
        prompts_planned=len(prompts),
        output_tokens=output_tokens,
        prompt_tokens=prompt_tokens,
        seconds=round(spent, 4),
        batches=batches,
        budget_hit=budget_hit,
        prompt_len=len(prompts[0]) if prompts else 0,
        output_tokens_per_prompt=a.output_tokens,
    )
    if kind == "shared":
        result.update(prefix_len=a.prefix_len, suffix_len=a.suffix_len, sharing_degree=a.group)
    if str(device).startswith("cuda"):
        result["peak_memory_gib"] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
    return result


def write(path, report):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def main(argv=None):
    a = parse_args(argv)
    t_start = time.perf_counter()
    report = dict(batch=a.batch, prompts_per_workload=a.prompts, budget_s=a.budget_s,
                  attn_implementation="sdpa", dtype="bfloat16", tiny=a.tiny)
    failed = False
    try:
        import torch
        import transformers

        report.update(torch=torch.__version__, transformers=transformers.__version__)
        device = a.device or ("cuda" if torch.cuda.is_available() else "cpu")
        report["device"] = device
        report["gpu"] = torch.cuda.get_device_name(0) if device.startswith("cuda") else None
        log(f"torch {torch.__version__}, transformers {transformers.__version__}, device {device}"
            f" ({report['gpu'] or 'no GPU'}), imports {time.perf_counter() - t_start:.1f} s")
        torch.manual_seed(a.seed)
        shape = TINY if a.tiny else LLAMA3_8B
        config = make_config(shape)
        t0 = time.perf_counter()
        model = make_model(config, device, torch.bfloat16)
        sync(device)
        params = sum(p.numel() for p in model.parameters())
        report["model"] = dict(shape, parameters=params,
                               rope_theta_used=rope_theta_of(model.config),
                               attn_implementation_used=getattr(model.config, "_attn_implementation", None))
        log(f"model: {params / 1e9:.2f} B parameters, attention {report['model']['attn_implementation_used']},"
            f" made in {time.perf_counter() - t0:.1f} s")
        vocab_limit = min(128000, shape["vocab_size"] - 12)
        # Warm-up: one whole batch as measured (a shorter one left the first measured batch twice as slow
        # on an H100): kernels, cuBLAS handles and heuristics, the allocator's pools.
        t0 = time.perf_counter()
        warm_len = a.nosharing_len
        warm = torch.randint(0, vocab_limit, (min(a.batch, a.prompts), warm_len), device=device)
        generate(model, warm, a.output_tokens)  # the cache grows as in a measured batch
        sync(device)
        log(f"warm-up: {time.perf_counter() - t0:.2f} s")
        for i, kind in enumerate(w for w in a.workloads.split(",") if w):
            try:
                report[kind] = run_workload(kind, model, a, device, vocab_limit, a.seed + i)
                r = report[kind]
                log(f"{kind}: {r['tokens_per_s']:.1f} generated tokens/s, {r['total_tokens_per_s']:.1f}"
                    f" total tokens/s ({r['prompts']} prompts, {r['output_tokens']} generated tokens,"
                    f" {r['seconds']:.2f} s)")
            except Exception as e:  # noqa: BLE001 - an OOM or a version quirk: report, go on
                failed = True
                report[kind] = dict(error=f"{type(e).__name__}: {e}")
                log(f"{kind}: FAILED: {type(e).__name__}: {e}")
                if device.startswith("cuda"):
                    torch.cuda.empty_cache()
            write(a.out, report)
    except Exception as e:  # noqa: BLE001
        failed = True
        report["error"] = f"{type(e).__name__}: {e}"
        log(f"FAILED: {report['error']}")
        import traceback
        traceback.print_exc()
    report["wall_s"] = round(time.perf_counter() - t_start, 2)
    write(a.out, report)
    log(f"wrote {a.out} ({report['wall_s']:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
