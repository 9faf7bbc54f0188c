#!/usr/bin/env python3
"""The RESULT line of `ci/bench.sh engine-batch`, from the JSON lines of its runs.

    batch_result.py THREADS KV_TIGHT_MIB LABEL JSON [LABEL JSON ...]

LABEL is the workload: "shared" (the first PROMPTS count), "shared<N>" (further counts),
"nosharing", "tight" (the first shared workload under KV_TIGHT_MIB) or "queue". A JSON line comes
from BatchBench (its "mode": engine, arrival, nocache, fixed, queue) or from llamacpp_batch.py
(its "mode" is llama.cpp's, with "order" and "flash_attn"). Keys of a run that did not happen
(llama.cpp with LLAMA_MODES=none) are printed as nan, and so are the ratios that need them.

Ratios, each naming the idea it measures (see BENCHMARKING.md):
  <w>_vs_llamacpp          (a) over llama.cpp's best mode, order and flash-attention setting
  <w>_planner_vs_arrival   (a)/(a'): the planner's order, prefix caching on both sides
  <w>_arrival_vs_nocache   (a')/(b): prefix caching alone, in arrival order
  memcentric_vs_fixed      (a) over the same with fixed-count admission (<w>_memcentric_vs_fixed
                           for the further PROMPTS counts)
  tight_planner_vs_arrival (a)/(a') in the KV-constrained pool
"""
import json
import math
import sys

ENGINE_MODES = ("engine", "arrival", "nocache", "fixed", "queue", "baseline")
NAN = float("nan")


def ratio(a, b):
    return a / b if a == a and b == b and b > 0 else NAN


def fmt(v):
    if isinstance(v, float):
        return "nan" if math.isnan(v) else "%.3f" % v if abs(v) < 10 else "%.1f" % v
    return str(v)


def main():
    threads, tight_mib, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    engine, llama = {}, {}
    for label, raw in zip(rest[0::2], rest[1::2]):
        r = json.loads(raw)
        if r.get("mode") in ENGINE_MODES:
            engine[(label, r["mode"])] = r
        else:
            llama.setdefault(label, []).append(r)

    out = [("threads", threads)]

    def tps(label, mode):
        r = engine.get((label, mode))
        return r["total_tps"] if r else NAN

    def llama_best(label):
        runs = llama.get(label, [])
        if not runs:
            return NAN, "none"
        best = max(runs, key=lambda r: r["total_tps"])
        return best["total_tps"], "%s,%s,fa_%s" % (best["mode"], best["order"], best["flash_attn"])

    def details(label, mode, key_prefix):
        r = engine.get((label, mode))
        if not r:
            return
        for k in ("prompts", "prefix_hit_ratio", "mean_tokens_per_step", "peak_kv_mib", "preemptions",
                  "computed_tokens", "products_s", "attention_s", "sampling_s", "other_s"):
            out.append(("%s_%s" % (key_prefix, k), r[k]))

    labels = sorted({label for label, _ in engine} | set(llama), key=lambda l: (l != "shared", l))
    for label in labels:
        if label in ("tight", "queue"):
            continue
        ours = tps(label, "engine")
        best, best_mode = llama_best(label)
        out += [("%s_engine_tps" % label, ours)]
        if label != "nosharing":
            arrival, nocache, fixed = tps(label, "arrival"), tps(label, "nocache"), tps(label, "fixed")
            out += [("%s_arrival_tps" % label, arrival), ("%s_nocache_tps" % label, nocache),
                    ("%s_fixed_tps" % label, fixed)]
        out += [("%s_llamacpp_best_tps" % label, best), ("%s_llamacpp_best" % label, best_mode),
                ("%s_vs_llamacpp" % label, ratio(ours, best))]
        if label != "nosharing":
            memcentric = "memcentric_vs_fixed" if label == "shared" else "%s_memcentric_vs_fixed" % label
            out += [("%s_planner_vs_arrival" % label, ratio(ours, arrival)),
                    ("%s_arrival_vs_nocache" % label, ratio(arrival, nocache)),
                    (memcentric, ratio(ours, fixed))]
        details(label, "engine", "%s_engine" % label)

    engine_tight, arrival_tight = tps("tight", "engine"), tps("tight", "arrival")
    out += [("tight_kv_mib", tight_mib), ("tight_engine_tps", engine_tight), ("tight_arrival_tps", arrival_tight),
            ("tight_planner_vs_arrival", ratio(engine_tight, arrival_tight))]
    for mode in ("engine", "arrival"):
        r = engine.get(("tight", mode))
        if r:
            out += [("tight_%s_preemptions" % mode, r["preemptions"]),
                    ("tight_%s_computed_tokens" % mode, r["computed_tokens"]),
                    ("tight_%s_prefix_hit_ratio" % mode, r["prefix_hit_ratio"])]

    q = engine.get(("queue", "queue"))
    if q:
        out += [("queued", q["queued"]), ("kv_budget_mib", q["kv_budget_mib"]),
                ("queue_peak_kv_mib", q["peak_kv_mib"]), ("queue_heap_peak_mib", q["heap_used_peak_mib"]),
                ("queue_max_heap_mib", q["max_heap_mib"])]
    print("RESULT engine-batch " + " ".join("%s=%s" % (k, fmt(v)) for k, v in out))


if __name__ == "__main__":
    main()
