#!/usr/bin/env python3
"""Greedy reference continuations of Gemma 3 270M (Q4_K_M GGUF) from llama.cpp (llama-cpp-python).

For each prompt, Gemma's chat format is tokenized by llama.cpp (BOS added, special tokens parsed),
then STEPS tokens are generated greedily, ignoring EOS, one llama_eval at a time. Per step we
record the chosen id, the best logit and the gap between the best and second-best logit, so a
test that diverges can show the divergence followed a near-tie, and the margins can be compared;
and for the first step the TOP best ids with their logits.

Usage: make_gemma3_reference.py MODEL.gguf OUT.jsonl   (the model: ci/fetch-gemma3-270m.sh)
Requires: pip install llama-cpp-python numpy (checked with llama-cpp-python 0.3.36).
"""
import json
import sys

import numpy as np
from llama_cpp import Llama

STEPS = 24
TOP = 32

# Past Gemma 3's 512-position window, so its sliding layers mask the start of the prompt.
LONG_TEXT = ("The lighthouse keeper wrote in his log every evening. He noted the wind, the colour of the sea, "
             "the ships that passed and the birds that rested on the gallery rail. ") * 20

PROMPTS = [
    "What is the capital of France?",
    "Write a haiku about autumn leaves.",
    "List three primary colors.",
    "Why is the sky blue?",
    "Translate 'good morning' into Spanish.",
    "Tell me a fun fact about octopuses.",
    LONG_TEXT + "Summarize what the keeper wrote about.",
]


def chat(user):
    return f"<start_of_turn>user\n{user}<end_of_turn>\n<start_of_turn>model\n"


def main(model_path, out_path):
    llm = Llama(model_path=model_path, n_ctx=1024, n_batch=512, n_threads=2, logits_all=True, verbose=False)
    with open(out_path, "w", encoding="utf-8") as out:
        for i, user in enumerate(PROMPTS):
            text = chat(user)
            prompt_ids = llm.tokenize(text.encode("utf-8"), add_bos=True, special=True)
            llm.reset()
            llm.eval(prompt_ids)
            first = np.asarray(llm.scores[llm.n_tokens - 1], dtype=np.float64)
            top = np.argsort(-first)[:TOP]
            ids, gaps, tops = [], [], []
            for _ in range(STEPS):
                logits = np.asarray(llm.scores[llm.n_tokens - 1], dtype=np.float64)
                top2 = np.argpartition(-logits, 2)[:2]
                top2 = top2[np.argsort(-logits[top2])]
                best = int(top2[0])
                ids.append(best)
                tops.append(round(float(logits[top2[0]]), 5))
                gaps.append(round(float(logits[top2[0]] - logits[top2[1]]), 5))
                llm.eval([best])
            out.write(json.dumps({"id": f"g{i:02d}", "prompt": text, "prompt_ids": prompt_ids, "greedy_ids": ids,
                                  "top1_logit": tops, "top2_gap": gaps, "first_top_ids": [int(t) for t in top],
                                  "first_top_logits": [round(float(first[t]), 5) for t in top]}, ensure_ascii=False) + "\n")
            print(f"g{i:02d}", len(prompt_ids), "prompt tokens:", llm.detokenize(ids).decode("utf-8", "replace")[:80].replace("\n", " | "))
    print(f"wrote {len(PROMPTS)} references to {out_path}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
