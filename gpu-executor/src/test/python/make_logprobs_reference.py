#!/usr/bin/env python3
"""Reference token log-probabilities from llama.cpp (llama-cpp-python) for LogprobsReferenceTest.

For a few prompts of smollm2-greedy.jsonl (their llama.cpp prompt ids are reused as they are),
llama.cpp evaluates the prompt with logits_all=True and then continues greedily, feeding its own
best token each step (teacher forcing, so our engine can be fed the same tokens). At each of the
first STEPS positions we record log_softmax of llama.cpp's raw logits (no temperature, no
filtering, float64 log-sum-exp): the greedy id and the TOP_N best ids with their logprobs.

Usage: make_logprobs_reference.py MODEL.gguf GREEDY.jsonl OUT.jsonl
Requires: pip install llama-cpp-python numpy (the version pinned in ci/python-requirements.txt).
"""
import json
import sys

import numpy as np
from llama_cpp import Llama

STEPS = 8
TOP_N = 5
PROMPT_IDS = ["p00", "p01", "p03", "p05", "p07", "p11", "p17", "p29"]


def log_softmax(logits):
    m = logits.max()
    return logits - (m + np.log(np.exp(logits - m).sum()))


def main(model_path, greedy_path, out_path):
    with open(greedy_path, encoding="utf-8") as f:
        rows = {r["id"]: r for r in map(json.loads, f)}
    llm = Llama(model_path=model_path, n_ctx=512, n_batch=512, n_threads=2, logits_all=True,
                verbose=False)
    with open(out_path, "w", encoding="utf-8") as out:
        for pid in PROMPT_IDS:
            prompt_ids = rows[pid]["prompt_ids"]
            llm.reset()
            llm.eval(prompt_ids)
            forced, steps = [], []
            for _ in range(STEPS):
                logits = np.asarray(llm.scores[llm.n_tokens - 1], dtype=np.float64)
                lp = log_softmax(logits)
                order = np.lexsort((np.arange(len(lp)), -lp))[:TOP_N]  # best first, lower id on ties
                best = int(order[0])
                steps.append({"top_ids": [int(i) for i in order],
                              "top_logprobs": [round(float(lp[i]), 6) for i in order]})
                forced.append(best)
                llm.eval([best])
            out.write(json.dumps({"id": pid, "prompt_ids": prompt_ids, "forced_ids": forced,
                                  "steps": steps}) + "\n")
    print(f"wrote {len(PROMPT_IDS)} references to {out_path}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
