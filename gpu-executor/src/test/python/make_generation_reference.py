#!/usr/bin/env python3
"""Greedy reference continuations from llama.cpp (llama-cpp-python) for the engine's tests.

For each prompt, the ChatML-formatted text (SmolLM2's chat format) is tokenized by llama.cpp with
special tokens parsed, then 64 tokens are generated greedily, ignoring EOS, one llama_eval at a
time. Per step we record the chosen id and the gap between the best and second-best logit, so a
test that diverges can show the divergence followed a near-tie.

Usage: make_generation_reference.py MODEL.gguf OUT.jsonl
Requires: pip install llama-cpp-python numpy (the version pinned in ci/python-requirements.txt).
"""
import json
import sys

import numpy as np
from llama_cpp import Llama

STEPS = 64
SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"

PROMPTS = [
    "What is the capital of France?",
    "Write a haiku about autumn leaves.",
    "Explain photosynthesis in one sentence.",
    "List three primary colors.",
    "Translate 'good morning' into Spanish.",
    "What is 12 times 13?",
    "Write a Python function that reverses a string.",
    "Give me a short tip for learning a new language.",
    "Summarize the plot of Romeo and Juliet in two sentences.",
    "What does HTTP stand for?",
    "Name a famous painting by Leonardo da Vinci.",
    "Why is the sky blue?",
    "Suggest a name for a pet goldfish.",
    "What is the boiling point of water in Celsius?",
    "Describe a cat to someone who has never seen one.",
    "Write a SQL query that counts rows in a table named orders.",
    "What are the benefits of regular exercise?",
    "Classify the sentiment of this review: 'The food was cold and the service slow.'",
    "Who wrote 'Pride and Prejudice'?",
    "Give an example of a prime number greater than 50.",
    "How do I make a cup of tea?",
    "What is machine learning?",
    "Complete the sentence: The early bird...",
    "Convert 5 kilometers to miles.",
    "Write a limerick about a programmer.",
    "What is the largest planet in our solar system?",
    "Explain what a binary search does.",
    "Tell me a fun fact about octopuses.",
    "Rédige une phrase en français sur la mer.",
    "東京について一文で説明してください。",
    "What's the difference between weather and climate?",
    "Give three synonyms for 'happy'.",
    "Summarize: Apache Spark is a unified analytics engine for large-scale data processing.",
    "Write a JSON object with keys name and age.",
]


def chatml(user):
    return (f"<|im_start|>system\n{SYSTEM}<|im_end|>\n"
            f"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n")


def main(model_path, out_path):
    llm = Llama(model_path=model_path, n_ctx=512, n_batch=512, n_threads=2, logits_all=True,
                verbose=False)
    with open(out_path, "w", encoding="utf-8") as out:
        for i, user in enumerate(PROMPTS):
            text = chatml(user)
            prompt_ids = llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)
            llm.reset()
            llm.eval(prompt_ids)
            ids, gaps = [], []
            for _ in range(STEPS):
                logits = np.asarray(llm.scores[llm.n_tokens - 1], dtype=np.float64)
                top2 = np.argpartition(-logits, 2)[:2]
                top2 = top2[np.argsort(-logits[top2])]
                best = int(top2[0])
                ids.append(best)
                gaps.append(round(float(logits[top2[0]] - logits[top2[1]]), 5))
                llm.eval([best])
            out.write(json.dumps({"id": f"p{i:02d}", "prompt": text, "prompt_ids": prompt_ids,
                                  "greedy_ids": ids, "top2_gap": gaps}, ensure_ascii=False) + "\n")
    print(f"wrote {len(PROMPTS)} references to {out_path}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
