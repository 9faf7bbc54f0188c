#!/usr/bin/env python3
"""llama.cpp's batch throughput on a workload of batch_workload.py, the baseline of
`ci/bench.sh engine-batch`.

    llamacpp_batch.py MODEL WORKLOAD.jsonl --threads 2 --mode parallel --parallel 8
                      [--order given|grouped] [--flash-attn on|off] [--limit N] [--check K]

Runs every prompt of the workload through llama.cpp (llama-cpp-python 0.3.36) with greedy
decoding and exactly max_tokens output tokens per prompt (EOS is not a stop: both engines must
generate the same number of tokens), then prints ONE JSON line:

    {"prompts", "prompt_tokens", "output_tokens", "seconds", "total_tps", "mode",
     "computed_prompt_tokens", "evaluated_tokens", ...settings..., ["check": {...}]}

total_tps = (prompt_tokens + output_tokens) / seconds, where prompt_tokens counts every prompt's
full length (tokens served from a prompt cache included) and seconds covers the first prompt to
the last output token (model load and a small warm-up excluded). computed_prompt_tokens is what
the script asked llama.cpp to evaluate of the prompts; evaluated_tokens is llama.cpp's own count
of evaluated tokens (llama_perf_context: prompts + decode steps), an independent check that the
prompt cache really skipped what computed_prompt_tokens says. cpu_seconds is the process's CPU
time over the same span: on a shared machine it says how much of the wall time was this run's
work (with more than one thread it also counts llama.cpp's threads spinning at barriers).

Modes:
  sequential-cache    the high-level Llama object, prompts one after another; Llama.generate
                      reuses the longest common prefix with the tokens evaluated before (its KV
                      prompt cache), so consecutive prompts of a group share the prefix.
  sequential-nocache  the same with the cache dropped before every prompt (for comparison).
  parallel            what llama-server does with --parallel P --cont-batching --cache-prompt,
                      on the low-level API: P slots (sequence ids); a free slot takes the next
                      prompt of the queue; every llama_decode carries each generating slot's
                      next token plus prompt tokens of slots still prefilling, up to n_batch;
                      a new prompt goes to the free slot whose previous tokens share the longest
                      prefix with it (else the least recently used) and only its remaining
                      suffix is evaluated (prompt cache per slot).
  parallel-shared     parallel, plus: a new prompt may take its prefix from ANY slot's KV (a
                      running one too) with llama_memory_seq_cp, and waits while another slot is
                      still prefilling a longer common prefix. llama.cpp offers the primitive
                      (seq_cp; its examples/parallel shares a system prompt this way) but
                      llama-server does not do this; it goes beyond off-the-shelf llama.cpp.

KV layout: llama.cpp (as vendored by 0.3.36) gives each of the n_seq_max sequences its own
n_ctx / n_seq_max cells unless kv_unified is set, so n_ctx is P x (longest prompt + output),
rounded up. With --kv-unified all sequences share one buffer; seq_cp then shares cells (no copy)
but every token's attention runs over all cells in use. Without it, seq_cp between sequences
copies the whole source stream (llama.cpp only supports full copies across streams) and the
part past the shared prefix is removed again.

--flash-attn on|off sets llama.cpp's flash attention (flash_attn_type ENABLED or DISABLED; the
high-level Llama object takes it as flash_attn=True/False). Which is faster depends on the CPU and
the batch shape, so the benchmark runs both and the best counts.

--order grouped sorts the prompts by (group, id) so that a group's prompts are adjacent (the
order our planner gives our engine); --order given keeps the file's arrival order. --limit N
keeps the first N prompts of the file before ordering, so both orders run the same prompts.
--check K reruns the first K prompts of the run order with sequential mode (a fresh model,
after the timed run) and reports how many outputs are identical to this mode's. Expect most,
not all: llama.cpp's numbers depend slightly on how a batch is split (kernel paths and summation
order change with the ubatch's shape and, with --kv-unified, with the cells attention runs over),
and random-token prompts give near-ties that a greedy pick can flip.
"""
import argparse
import collections
import json
import sys
import time

import numpy as np

import llama_cpp
from llama_cpp import Llama
from llama_cpp._logger import set_verbose

MODES = ("sequential-cache", "sequential-nocache", "parallel", "parallel-shared")
# Tokens evaluated once before timing (thread pool start, compute buffers), never a workload
# prefix: ids below the workload generator's range.
WARMUP_TOKENS = list(range(20, 52))


def load_rows(path, order, limit):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    if limit is not None:
        rows = rows[:limit]
    if order == "grouped":
        rows.sort(key=lambda r: (r.get("group", -1), r["id"]))
    return rows


def lcp(a, b):
    """Length of the longest common prefix of two token sequences."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def round_up(n, m):
    return (n + m - 1) // m * m


def seq_len(rows):
    """Cells one sequence needs at most: its prompt plus its output (one spare: the last output
    token is never evaluated)."""
    return max(len(r["tokens"]) + r["max_tokens"] for r in rows)


def perf_tokens(ctx):
    """Tokens llama.cpp evaluated since the last reset: multi-token batches + single-token ones."""
    d = llama_cpp.llama_perf_context(ctx)
    # llama_perf_context reports max(1, n) for each counter; 1 therefore means "0 or 1".
    return d.n_p_eval + d.n_eval


# ----------------------------------------------------------------------------------------------
# Sequential: the high-level Llama object.


def run_sequential(model, rows, a, reuse):
    llm = Llama(model_path=model, n_ctx=round_up(seq_len(rows), 256), n_batch=a.batch,
                n_ubatch=a.ubatch, n_threads=a.threads, n_threads_batch=a.threads,
                flash_attn=(a.flash_attn == "on"), no_perf=False, logits_all=False, verbose=False)
    llm.eval(WARMUP_TOKENS)
    llm.reset()
    # The perf counters take in queued tokens at the next synchronize: flush the warm-up first.
    llama_cpp.llama_synchronize(llm.ctx)
    llama_cpp.llama_perf_context_reset(llm.ctx)
    outputs, computed = [], 0
    t0, c0 = time.perf_counter(), time.process_time()
    for r in rows:
        tokens = r["tokens"]
        if not reuse:
            llm.reset()
        # The prefix Llama.generate will keep (it compares the evaluated tokens with all of the
        # prompt but its last token, which it always evaluates to get logits).
        kept = lcp(llm.input_ids[:llm.n_tokens].tolist(), tokens[:-1]) if llm.n_tokens else 0
        computed += len(tokens) - kept
        out = []
        # temp 0 = greedy sampler; repeat_penalty 1 keeps the penalty stage neutral; generate
        # never stops on EOS by itself, so stopping at max_tokens gives exactly that many.
        for tok in llm.generate(tokens, temp=0.0, repeat_penalty=1.0, reset=True):
            out.append(tok)
            if len(out) == r["max_tokens"]:
                break
        outputs.append(out)
    seconds = time.perf_counter() - t0
    stats = {"computed_prompt_tokens": computed, "evaluated_tokens": perf_tokens(llm.ctx),
             "cpu_seconds": round(time.process_time() - c0, 3)}
    llm.close()
    return outputs, seconds, stats


# ----------------------------------------------------------------------------------------------
# Parallel: slots over the low-level API, as llama-server schedules them.


class Slot:
    def __init__(self, sid):
        self.id = sid
        self.cache = []      # tokens whose KV sits in sequence `id`, position i at index i
        self.row = None      # the prompt being served, None when free
        self.index = -1      # its index in the run order
        self.n_done = 0      # prompt tokens already in the KV
        self.out = []        # output tokens so far
        self.logit_row = -1  # batch row of this slot's logits in the current decode
        self.last_used = -1  # admission counter, for least-recently-used choice

    def prefilling(self):
        return self.row is not None and self.n_done < len(self.row["tokens"])


class ParallelRunner:
    def __init__(self, model, rows, a, shared):
        self.a, self.shared, self.rows = a, shared, rows
        self.P = a.parallel
        per_seq = round_up(seq_len(rows), 256)
        mp = llama_cpp.llama_model_default_params()
        self.model = llama_cpp.llama_model_load_from_file(model.encode(), mp)
        cp = llama_cpp.llama_context_default_params()
        cp.n_ctx = per_seq * self.P
        cp.n_batch = a.batch
        cp.n_ubatch = a.ubatch
        cp.n_seq_max = self.P
        cp.n_threads = a.threads
        cp.n_threads_batch = a.threads
        # flash_attn_type, not a bool: a ctypes structure would take an unknown attribute silently.
        cp.flash_attn_type = (llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED if a.flash_attn == "on"
                              else llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED)
        cp.kv_unified = a.kv_unified
        cp.no_perf = False
        self.ctx = llama_cpp.llama_init_from_model(self.model, cp)
        if not self.ctx:
            sys.exit("llamacpp_batch: cannot create the context")
        n_ctx = llama_cpp.llama_n_ctx(self.ctx)
        if n_ctx // (1 if a.kv_unified else self.P) < seq_len(rows):
            sys.exit(f"llamacpp_batch: n_ctx {n_ctx} leaves too few cells per sequence")
        self.mem = llama_cpp.llama_get_memory(self.ctx)
        self.n_vocab = llama_cpp.llama_vocab_n_tokens(llama_cpp.llama_model_get_vocab(self.model))
        self.cap = max(a.batch, self.P)
        self.batch = llama_cpp.llama_batch_init(self.cap, 0, 1)
        # numpy views of the batch arrays: filling them vectorized keeps Python off the clock.
        b = self.batch
        self.b_token = np.ctypeslib.as_array(b.token, shape=(self.cap,))
        self.b_pos = np.ctypeslib.as_array(b.pos, shape=(self.cap,))
        self.b_nseq = np.ctypeslib.as_array(b.n_seq_id, shape=(self.cap,))
        self.b_logits = np.ctypeslib.as_array(b.logits, shape=(self.cap,))
        self.b_seq = [b.seq_id[i] for i in range(self.cap)]
        self.b_nseq[:] = 1
        self.slots = [Slot(i) for i in range(self.P)]
        self.decode_calls = 0
        self.seq_copies = 0
        self.computed = 0

    def close(self):
        llama_cpp.llama_batch_free(self.batch)
        llama_cpp.llama_free(self.ctx)
        llama_cpp.llama_model_free(self.model)

    def decode(self, n):
        self.batch.n_tokens = n
        rc = llama_cpp.llama_decode(self.ctx, self.batch)
        if rc != 0:
            sys.exit(f"llamacpp_batch: llama_decode returned {rc}")
        self.decode_calls += 1

    def warm_up(self):
        n = len(WARMUP_TOKENS)
        self.b_token[:n] = WARMUP_TOKENS
        self.b_pos[:n] = np.arange(n)
        self.b_logits[:n] = 0
        self.b_logits[n - 1] = 1
        for i in range(n):
            self.b_seq[i][0] = 0
        self.decode(n)
        llama_cpp.llama_memory_clear(self.mem, True)
        # The perf counters take in queued tokens at the next synchronize: flush the warm-up first.
        llama_cpp.llama_synchronize(self.ctx)
        llama_cpp.llama_perf_context_reset(self.ctx)
        self.decode_calls = 0

    # -- admission ---------------------------------------------------------------------------

    def pick_slot(self, free, tokens):
        """llama-server's choice: the free slot whose cache shares the longest prefix with the
        prompt, else the least recently used one. The server asks for a prefix over
        --slot-prompt-similarity (0.5) of the prompt; here any prefix counts, which is the same
        choice on these workloads (the shared part is 512 of 576 tokens)."""
        best = max(free, key=lambda s: (lcp(s.cache, tokens), -s.last_used))
        if lcp(best.cache, tokens) == 0:
            best = min(free, key=lambda s: s.last_used)
        return best

    def admit(self, slot, row, index, tick):
        tokens = row["tokens"]
        keep = lcp(slot.cache, tokens)
        source = None
        if self.shared:
            # Any slot's KV may hold a longer prefix of this prompt (running slots included:
            # their cache is evaluated, admission happens between decodes).
            for s in self.slots:
                if s is not slot:
                    n = lcp(s.cache, tokens)
                    if n > keep:
                        keep, source = n, s
        # The last prompt token is always evaluated: its logits give the first output token.
        keep = min(keep, len(tokens) - 1)
        if source is not None:
            if self.a.kv_unified:
                # One buffer: the destination sequence just joins the source's cells.
                llama_cpp.llama_memory_seq_rm(self.mem, slot.id, -1, -1)
                llama_cpp.llama_memory_seq_cp(self.mem, source.id, slot.id, 0, keep)
            else:
                # Separate streams: llama.cpp copies a whole stream (queued, done at the start
                # of the next llama_decode), then the part past the prefix is dropped.
                llama_cpp.llama_memory_seq_cp(self.mem, source.id, slot.id, -1, -1)
                llama_cpp.llama_memory_seq_rm(self.mem, slot.id, keep, -1)
            slot.cache = tokens[:keep]
            self.seq_copies += 1
        else:
            llama_cpp.llama_memory_seq_rm(self.mem, slot.id, keep, -1)
            slot.cache = slot.cache[:keep]
        slot.row, slot.index, slot.n_done, slot.out = row, index, keep, []
        slot.last_used = tick
        self.computed += len(tokens) - keep

    def worth_waiting(self, tokens):
        """parallel-shared: wait (keep the prompt queued) while a slot still prefilling will soon
        hold a longer prefix of it than any KV holds now. Waiting costs at most a few decodes
        (prefills go n_batch tokens a decode); computing the prefix again costs all of it."""
        now = max(lcp(s.cache, tokens) for s in self.slots)
        for s in self.slots:
            if s.prefilling() and lcp(s.row["tokens"], tokens) >= now + self.a.wait_min:
                return True
        return False

    # -- the loop ----------------------------------------------------------------------------

    def run(self):
        queue = collections.deque(enumerate(self.rows))
        outputs = [None] * len(self.rows)
        tick = 0
        t0, c0 = time.perf_counter(), time.process_time()
        while True:
            # Free slots take queued prompts in order (FIFO, like the server's task queue).
            while queue:
                free = [s for s in self.slots if s.row is None]
                if not free:
                    break
                index, row = queue[0]
                if self.shared and self.worth_waiting(row["tokens"]):
                    break
                queue.popleft()
                self.admit(self.pick_slot(free, row["tokens"]), row, index, tick)
                tick += 1
            busy = [s for s in self.slots if s.row is not None]
            if not busy:
                break
            # Budget as llama-server: every generating slot's token first, then prompt chunks of
            # prefilling slots in slot order until n_batch tokens.
            budget = self.a.batch - sum(1 for s in busy if not s.prefilling())
            chunks = {}
            for s in busy:
                if s.prefilling() and budget > 0:
                    take = min(len(s.row["tokens"]) - s.n_done, budget)
                    chunks[s.id] = take
                    budget -= take
            # Rows go in slot order: without kv_unified llama.cpp splits a batch into ubatches of
            # consecutive sequence ids with equal token counts, so slot order keeps all the
            # generating slots' tokens in one ubatch.
            n = 0
            for s in busy:
                if not s.prefilling():
                    new = [s.out[-1]]
                elif s.id in chunks:
                    new = s.row["tokens"][s.n_done:s.n_done + chunks[s.id]]
                else:
                    continue
                k = len(new)
                p0 = len(s.cache)
                self.b_token[n:n + k] = new
                self.b_pos[n:n + k] = np.arange(p0, p0 + k)
                self.b_logits[n:n + k] = 0
                for i in range(n, n + k):
                    self.b_seq[i][0] = s.id
                s.cache.extend(new)
                if s.prefilling():
                    s.n_done += k
                if not s.prefilling():
                    # A generating token, or the last prompt token: sample from this row.
                    self.b_logits[n + k - 1] = 1
                    s.logit_row = n + k - 1
                n += k
            self.decode(n)
            for s in busy:
                if s.logit_row < 0:
                    continue
                ptr = llama_cpp.llama_get_logits_ith(self.ctx, s.logit_row)
                # Greedy: argmax, the first maximum on ties (as llama.cpp's greedy sampler).
                tok = int(np.ctypeslib.as_array(ptr, shape=(self.n_vocab,)).argmax())
                s.logit_row = -1
                s.out.append(tok)
                if len(s.out) == s.row["max_tokens"]:
                    # The last output token is never evaluated; the cache keeps the rest.
                    outputs[s.index] = s.out
                    s.row = None
        seconds = time.perf_counter() - t0
        stats = {"computed_prompt_tokens": self.computed, "evaluated_tokens": perf_tokens(self.ctx),
                 "cpu_seconds": round(time.process_time() - c0, 3), "decode_calls": self.decode_calls}
        if self.shared:
            stats["seq_copies"] = self.seq_copies
        return outputs, seconds, stats


def run_mode(mode, model, rows, a):
    if mode == "sequential-cache":
        return run_sequential(model, rows, a, reuse=True)
    if mode == "sequential-nocache":
        return run_sequential(model, rows, a, reuse=False)
    runner = ParallelRunner(model, rows, a, shared=(mode == "parallel-shared"))
    try:
        runner.warm_up()
        return runner.run()
    finally:
        runner.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("workload")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--mode", choices=MODES, default="parallel")
    ap.add_argument("--parallel", type=int, default=8, help="slots (sequences) of the parallel modes")
    ap.add_argument("--batch", type=int, default=512, help="n_batch: tokens per llama_decode")
    ap.add_argument("--ubatch", type=int, default=512, help="n_ubatch: tokens per graph evaluation")
    ap.add_argument("--kv-unified", action="store_true", help="one KV buffer for all sequences")
    ap.add_argument("--flash-attn", choices=["on", "off"], default="off", help="llama.cpp's flash attention")
    ap.add_argument("--wait-min", type=int, default=1,
                    help="parallel-shared: wait for a prefix at least this much longer")
    ap.add_argument("--order", choices=["given", "grouped"], default="given")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--check", type=int, default=0, metavar="K",
                    help="compare the first K prompts' outputs with sequential mode's")
    a = ap.parse_args()
    # Every generating slot puts a token in each llama_decode, which takes at most n_batch.
    if not 1 <= a.parallel <= min(a.batch, llama_cpp.llama_max_parallel_sequences()):
        sys.exit("llamacpp_batch: --parallel must be in [1, min(--batch, 64)]")
    set_verbose(False)
    llama_cpp.llama_backend_init()

    rows = load_rows(a.workload, a.order, a.limit)
    outputs, seconds, stats = run_mode(a.mode, a.model, rows, a)
    prompt_tokens = sum(len(r["tokens"]) for r in rows)
    output_tokens = sum(len(o) for o in outputs)
    assert output_tokens == sum(r["max_tokens"] for r in rows)
    result = {"prompts": len(rows), "prompt_tokens": prompt_tokens, "output_tokens": output_tokens,
              "seconds": round(seconds, 3), "total_tps": round((prompt_tokens + output_tokens) / seconds, 2),
              "mode": a.mode, **stats, "threads": a.threads, "order": a.order, "n_batch": a.batch,
              "n_ubatch": a.ubatch, "flash_attn": a.flash_attn}
    if a.mode.startswith("parallel"):
        result.update({"parallel": a.parallel, "kv_unified": a.kv_unified})

    if a.check > 0:
        k = min(a.check, len(rows))
        # The reference for sequential-cache itself is the run without cache reuse.
        ref_mode = "sequential-nocache" if a.mode == "sequential-cache" else "sequential-cache"
        ref, _, _ = run_mode(ref_mode, a.model, rows[:k], a)
        same_tokens = sum(lcp(x, y) for x, y in zip(outputs[:k], ref))
        result["check"] = {"against": ref_mode, "prompts": k,
                           "identical": sum(1 for x, y in zip(outputs[:k], ref) if x == y),
                           "tokens_before_divergence": same_tokens,
                           "tokens": sum(len(y) for y in ref)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
