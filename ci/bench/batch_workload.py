#!/usr/bin/env python3
"""Workload generator of `ci/bench.sh engine-batch`: prompts as token ids, one JSON object a line.

    batch_workload.py --shape shared|nosharing --prompts N --shared 512 --distinct 64 --output 32
                      --degree 16 --vocab V --seed S --out FILE.jsonl

shared:    the BatchLLM shape. Prompts come in groups of --degree; the members of a group start
           with the same --shared tokens and go on with --distinct tokens of their own. The last
           group is smaller when N is not a multiple of the degree.
nosharing: every prompt is --shared + --distinct tokens of its own (same sizes, nothing shared).

Each line: {"id": "...", "group": g, "tokens": [...], "max_tokens": OUTPUT}; group is -1 for
nosharing. Lines come in a shuffled "arrival" order so that the members of a group are not
adjacent (sorting by (group, id) gives the grouped order). The same arguments always give the
same file, byte for byte: the generator is a self-contained splitmix64, not Python's `random`,
so that the file does not depend on the Python version.

Token ids are drawn from [100, V-200), the ordinary vocabulary (SmolLM2's special/control tokens
are ids 0-16; the margin at both ends keeps clear of specials in other vocabularies too, as
llamacpp_single.py does). The first token of every distinct part and of every shared part is
unique across the workload, so the common prefix of two prompts is exactly --shared tokens when
they are in one group and 0 otherwise: the sharing structure is known exactly, not approximately.
"""
import argparse
import json
import sys

MASK64 = (1 << 64) - 1


class SplitMix64:
    """Tiny deterministic PRNG (Steele et al.); enough for drawing token ids and shuffling."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, n):
        """Uniform integer in [0, n) (rejection sampling, so no modulo bias)."""
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            x = self.next64()
            if x < limit:
                return x % n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shape", choices=["shared", "nosharing"], required=True)
    ap.add_argument("--prompts", type=int, default=512)
    ap.add_argument("--shared", type=int, default=512, help="shared prefix tokens per group")
    ap.add_argument("--distinct", type=int, default=64, help="tokens of each prompt's own")
    ap.add_argument("--output", type=int, default=32, help="max_tokens of every prompt")
    ap.add_argument("--degree", type=int, default=16, help="prompts per shared-prefix group")
    ap.add_argument("--vocab", type=int, default=49152)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    lo, hi = 100, a.vocab - 200
    if hi - lo < 2 * a.prompts + 1 or a.prompts < 1 or a.degree < 1 or a.shared < 0 or a.distinct < 0:
        sys.exit("batch_workload: bad sizes")
    if a.shape == "shared" and a.distinct < 1:
        sys.exit("batch_workload: the shared shape needs --distinct >= 1 to keep prompts distinct")

    rng = SplitMix64(a.seed)
    used_first = set()

    def run_of(n):
        """n random token ids whose first id appears first in no other run of this workload."""
        if n == 0:
            return []
        first = lo + rng.below(hi - lo)
        while first in used_first:
            first = lo + rng.below(hi - lo)
        used_first.add(first)
        return [first] + [lo + rng.below(hi - lo) for _ in range(n - 1)]

    rows = []
    if a.shape == "shared":
        n_groups = (a.prompts + a.degree - 1) // a.degree
        for g in range(n_groups):
            prefix = run_of(a.shared)
            for m in range(min(a.degree, a.prompts - g * a.degree)):
                i = len(rows)
                rows.append({"id": f"shared-{i:06d}", "group": g,
                             "tokens": prefix + run_of(a.distinct), "max_tokens": a.output})
    else:
        for i in range(a.prompts):
            rows.append({"id": f"nosharing-{i:06d}", "group": -1,
                         "tokens": run_of(a.shared + a.distinct), "max_tokens": a.output})

    # Arrival order: a seeded Fisher-Yates shuffle, so group members are scattered as in a real
    # table of requests and an engine has to find the sharing itself.
    for i in range(len(rows) - 1, 0, -1):
        j = rng.below(i + 1)
        rows[i], rows[j] = rows[j], rows[i]

    with open(a.out, "w") as f:
        for r in rows:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")
    prompt_tokens = sum(len(r["tokens"]) for r in rows)
    print(f"batch_workload: {len(rows)} prompts, {prompt_tokens} prompt tokens, "
          f"{len(rows) * a.output} output tokens -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
