#!/usr/bin/env python3
"""llama.cpp's single-sequence speed on a GGUF file, the baseline of `ci/bench.sh engine-single`.

Prompt processing: one llama_decode over PROMPT tokens from an empty cache. Decode: GEN tokens
evaluated one at a time after that prompt. Each is timed over REPS repetitions and the best
repetition is kept (the same rule the Java side uses). Prints one JSON object.
"""
import argparse
import json
import time

from llama_cpp import Llama


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--prompt-tokens", type=int, default=128)
    ap.add_argument("--gen-tokens", type=int, default=64)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    llm = Llama(model_path=a.model, n_ctx=1024, n_batch=512, n_threads=a.threads,
                n_threads_batch=a.threads, logits_all=False, verbose=False)
    vocab = llm.n_vocab()
    # Token ids drawn deterministically from the ordinary vocabulary (ids past the specials).
    prompt = [100 + (i * 7919) % (vocab - 200) for i in range(a.prompt_tokens)]
    best_pp, best_tg = float("inf"), float("inf")
    for _ in range(a.reps):
        llm.reset()
        t0 = time.perf_counter()
        llm.eval(prompt)
        t1 = time.perf_counter()
        tok = prompt[-1]
        for i in range(a.gen_tokens):
            tok = 100 + (tok * 31 + i) % (vocab - 200)
            llm.eval([tok])
        t2 = time.perf_counter()
        best_pp = min(best_pp, t1 - t0)
        best_tg = min(best_tg, t2 - t1)
    print(json.dumps({"pp_tps": a.prompt_tokens / best_pp, "tg_tps": a.gen_tokens / best_tg}))


if __name__ == "__main__":
    main()
