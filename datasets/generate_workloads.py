#!/usr/bin/env python3
"""Seeded workload generators for the batch LLM engine (prefix sharing, BatchLLM-style).

Shapes: batchllm, multilevel, nosharing, zipf. Output: JSONL and/or Parquet with the columns
id, prompt, max_tokens, expected_output_tokens, user, group, prefix_path.

    python3 datasets/generate_workloads.py SHAPE --rows N --seed S --out PATH \
        [--format jsonl|parquet|both] [shape options]
    python3 datasets/generate_workloads.py --self-check
    python3 datasets/generate_workloads.py --write-samples

Prompts are built from datasets/words.txt: every word there is exactly one SmolLM2 token, both
with and without a leading space, and the prompt is the words joined by single spaces, so a
segment of N words is N tokens (see datasets/README.md). All randomness comes from BLAKE2b in
counter mode keyed by (seed, shape, purpose), never from Python's `random`, so the same arguments
give byte-identical files on any Python 3 (Parquet: with the same pyarrow version).
"""

import argparse
import hashlib
import json
import math
import os
import struct
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
WORDS_FILE = os.path.join(HERE, "words.txt")
SCRIPT = "datasets/generate_workloads.py"

COLUMNS = ("id", "prompt", "max_tokens", "expected_output_tokens", "user", "group", "prefix_path")
PARQUET_ROWS_PER_BATCH = 1024


def load_words(path=WORDS_FILE):
    words = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            w = line.strip()
            if w and not w.startswith("#"):
                words.append(w)
    if len(set(words)) != len(words):
        raise SystemExit(f"{path}: duplicate words")
    return words


WORDS = load_words()
V = len(WORDS)


# ---------------------------------------------------------------------------------------------
# Randomness: a counter-mode BLAKE2b stream per key. Portable and stable across Python versions.

class Rng:
    def __init__(self, *key):
        self._key = "\x1f".join(str(k) for k in key).encode("utf-8")
        self._counter = 0
        self._buf = ()
        self._pos = 0

    def _block(self):
        digest = hashlib.blake2b(self._key + b"#" + str(self._counter).encode(), digest_size=64).digest()
        self._counter += 1
        return digest

    def u32s(self, n):
        """n uniform 32-bit integers (a fresh run of blocks, independent of next64's buffer)."""
        blocks = bytearray()
        while len(blocks) < 4 * n:
            blocks += self._block()
        return struct.unpack(f"<{n}I", bytes(blocks[: 4 * n]))

    def next64(self):
        if self._pos >= len(self._buf):
            self._buf = struct.unpack("<8Q", self._block())
            self._pos = 0
        x = self._buf[self._pos]
        self._pos += 1
        return x

    def below(self, n):
        """Uniform integer in [0, n) (multiply-shift; bias below n / 2**64)."""
        return (self.next64() * n) >> 64

    def uniform(self):
        return (self.next64() >> 11) / float(1 << 53)

    def between(self, lo, hi):
        """Uniform integer in [lo, hi]."""
        return lo + self.below(hi - lo + 1)

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]

    def distinct(self, n, m):
        """n distinct integers from range(m), in random order (sparse partial Fisher-Yates)."""
        if n > m:
            raise ValueError(f"cannot draw {n} distinct values from {m}")
        swap, out = {}, []
        for i in range(n):
            j = i + self.below(m - i)
            vj, vi = swap.get(j, j), swap.get(i, i)
            swap[j] = vi
            out.append(vj)
        return out


def head_width(n):
    """Words needed so that n siblings can get pairwise different heads (1 while n <= V)."""
    k, cap = 1, V
    while cap < n:
        k, cap = k + 1, cap * V
    return k


def sibling_heads(rng, n):
    """Distinct head word tuples for n siblings. With n <= V every sibling starts with a different
    word; beyond that the heads differ within their first head_width(n) words."""
    k = head_width(n)
    heads = []
    for x in rng.distinct(n, V ** k):
        digits = []
        for _ in range(k):
            x, d = divmod(x, V)
            digits.append(WORDS[d])
        heads.append(digits[::-1])
    return heads


def segment_text(key, head, length):
    """A segment of max(length, len(head)) words starting with `head`, the rest drawn from key."""
    rest = max(0, length - len(head))
    rng = Rng(*key)
    words = head + [WORDS[(x * V) >> 32] for x in rng.u32s(rest)] if rest else list(head)
    return " ".join(words)


def jittered(rng, base, jitter):
    """base scaled by a uniform factor in [1 - jitter, 1 + jitter], at least 1."""
    if jitter <= 0 or base <= 1:
        return max(1, base)
    return max(1, int(round(base * (1.0 + jitter * (2.0 * rng.uniform() - 1.0)))))


# ---------------------------------------------------------------------------------------------
# Shapes. Each builds a list of row specs in generation (grouped) order; segment texts of shared
# segments are cached, per-row segments are generated when the row is written.

class Spec:
    __slots__ = ("id", "segments", "max_tokens", "expected", "user", "group", "prefix_path")

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)


class Workload:
    def __init__(self, args):
        self.args = args
        self.shape = args.shape
        self.seed = args.seed
        self.shared = {}  # shared segment name -> text
        self.specs = []

    def key(self, *parts):
        return (self.seed, self.shape) + parts

    def add_shared(self, name, head, length):
        self.shared[name] = segment_text(self.key("seg", name), head, length)

    def add_row(self, shared_names, own_head, own_len, group, prefix_path):
        i = len(self.specs)
        a = self.args
        out = a.output_tokens
        expected = None if a.no_expected_output else out
        self.specs.append(Spec(id=f"{self.shape}-{i:06d}",
                               segments=(tuple(shared_names), own_head, own_len),
                               max_tokens=out, expected=expected,
                               user=None, group=group, prefix_path=prefix_path))

    def finish(self):
        a = self.args
        rng = Rng(*self.key("users"))
        if a.user_mode == "group":
            by_group = {}
            for s in self.specs:
                if s.group not in by_group:
                    by_group[s.group] = f"user{rng.below(a.users)}"
                s.user = by_group[s.group]
        else:
            for s in self.specs:
                s.user = f"user{rng.below(a.users)}"
        if a.order == "shuffled":
            Rng(*self.key("order")).shuffle(self.specs)

    def prompt(self, spec):
        names, own_head, own_len = spec.segments
        parts = [self.shared[n] for n in names]
        if own_len is not None:
            parts.append(segment_text(self.key("row", spec.id), own_head, own_len))
        return " ".join(parts)

    def rows(self):
        for s in self.specs:
            yield {"id": s.id, "prompt": self.prompt(s), "max_tokens": s.max_tokens,
                   "expected_output_tokens": s.expected, "user": s.user, "group": s.group,
                   "prefix_path": s.prefix_path}


def build_batchllm(w):
    a = w.args
    rng = Rng(*w.key("structure"))
    n_groups = math.ceil(a.rows / a.degree)
    group_heads = sibling_heads(rng, n_groups)
    left = a.rows
    for g in range(n_groups):
        size = min(a.degree, left)
        left -= size
        name = f"g{g}"
        w.add_shared(name, group_heads[g], jittered(rng, a.shared_tokens, a.jitter))
        for h in sibling_heads(rng, size):
            w.add_row([name], h, jittered(rng, a.distinct_tokens, a.jitter), name, name)


def build_zipf(w):
    a = w.args
    rng = Rng(*w.key("structure"))
    # Truncated Zipf on 1..max_group: P(k) proportional to k ** -exponent.
    weights = [k ** -a.exponent for k in range(1, a.max_group + 1)]
    total = sum(weights)
    cdf, acc = [], 0.0
    for wt in weights:
        acc += wt / total
        cdf.append(acc)
    sizes, left = [], a.rows
    while left > 0:
        u = rng.uniform()
        k = next((i + 1 for i, c in enumerate(cdf) if u < c), a.max_group)
        k = min(k, left)
        sizes.append(k)
        left -= k
    group_heads = sibling_heads(rng, len(sizes))
    for g, size in enumerate(sizes):
        name = f"g{g}"
        w.add_shared(name, group_heads[g], jittered(rng, a.shared_tokens, a.jitter))
        for h in sibling_heads(rng, size):
            w.add_row([name], h, jittered(rng, a.distinct_tokens, a.jitter), name, name)


def build_nosharing(w):
    a = w.args
    rng = Rng(*w.key("structure"))
    for i, h in enumerate(sibling_heads(rng, a.rows)):
        w.add_row([], h, jittered(rng, a.prompt_tokens, a.jitter), f"p{i}", None)


def build_multilevel(w):
    a = w.args
    rng = Rng(*w.key("structure"))
    if a.questions_min < 1 or a.questions_max < a.questions_min:
        raise SystemExit("need 1 <= --questions-min <= --questions-max")
    # Structure first: documents with their few-shot variant and question count.
    docs, left = [], a.rows
    while left > 0:
        q = min(rng.between(a.questions_min, a.questions_max), left)
        docs.append((rng.below(a.fewshot_variants), q))
        left -= q
    w.add_shared("sys", [WORDS[rng.below(V)]], a.system_tokens)
    for f, h in enumerate(sibling_heads(rng, a.fewshot_variants)):
        w.add_shared(f"fs{f}", h, jittered(rng, a.fewshot_tokens, a.jitter))
    per_fs = [sum(1 for fs, _ in docs if fs == f) for f in range(a.fewshot_variants)]
    doc_heads = [sibling_heads(rng, n) for n in per_fs]
    used = [0] * a.fewshot_variants
    for d, (f, q) in enumerate(docs):
        name = f"doc{d}"
        w.add_shared(name, doc_heads[f][used[f]], jittered(rng, a.document_tokens, a.jitter))
        used[f] += 1
        path = f"sys/fs{f}/{name}"
        for h in sibling_heads(rng, q):
            w.add_row(["sys", f"fs{f}", name], h, jittered(rng, a.question_tokens, a.jitter),
                      name, path)


SHAPES = {
    "batchllm": build_batchllm,
    "multilevel": build_multilevel,
    "nosharing": build_nosharing,
    "zipf": build_zipf,
}


# ---------------------------------------------------------------------------------------------
# Output

def output_paths(out, fmt):
    base = out
    for ext in (".jsonl", ".parquet"):
        if base.endswith(ext):
            base = base[: -len(ext)]
    fmts = ["jsonl", "parquet"] if fmt == "both" else [fmt]
    return [(f, base + "." + f) for f in fmts]


def write_jsonl(workload, path):
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in workload.rows():
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def parquet_schema(pa):
    return pa.schema([
        pa.field("id", pa.string(), nullable=False),
        pa.field("prompt", pa.string(), nullable=False),
        pa.field("max_tokens", pa.int32(), nullable=False),
        pa.field("expected_output_tokens", pa.int32(), nullable=True),
        pa.field("user", pa.string(), nullable=False),
        pa.field("group", pa.string(), nullable=False),
        pa.field("prefix_path", pa.string(), nullable=True),
    ])


def write_parquet(workload, path):
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise SystemExit("Parquet output needs pyarrow (pip install -r ci/python-requirements.txt)")
    schema = parquet_schema(pa)
    n = 0
    with pq.ParquetWriter(path, schema, compression="zstd", write_statistics=True) as writer:
        batch = {c: [] for c in COLUMNS}

        def flush():
            table = pa.table({c: pa.array(batch[c], type=schema.field(c).type) for c in COLUMNS},
                             schema=schema)
            writer.write_table(table, row_group_size=PARQUET_ROWS_PER_BATCH)
            for c in COLUMNS:
                batch[c].clear()

        for row in workload.rows():
            for c in COLUMNS:
                batch[c].append(row[c])
            n += 1
            if len(batch["id"]) >= PARQUET_ROWS_PER_BATCH:
                flush()
        if batch["id"]:
            flush()
    return n


def generate(args):
    if args.rows < 1:
        raise SystemExit("--rows must be at least 1")
    if args.users < 1:
        raise SystemExit("--users must be at least 1")
    w = Workload(args)
    SHAPES[args.shape](w)
    w.finish()
    written = []
    for fmt, path in output_paths(args.out, args.format):
        d = os.path.dirname(path)
        if d:
            os.makedirs(d, exist_ok=True)
        n = write_jsonl(w, path) if fmt == "jsonl" else write_parquet(w, path)
        written.append((path, n))
    return written


# ---------------------------------------------------------------------------------------------
# Command line

SHAPE_DEFAULTS = {
    # shape: (defaults overriding the common ones)
    "batchllm": dict(output_tokens=100, jitter=0.0),
    "multilevel": dict(output_tokens=64, jitter=0.1),
    "nosharing": dict(output_tokens=100, jitter=0.0),
    "zipf": dict(output_tokens=100, jitter=0.1),
}


def parser():
    p = argparse.ArgumentParser(
        prog="generate_workloads.py",
        description="Seeded prompt workloads with known shared prefixes (JSONL / Parquet).")
    p.add_argument("--self-check", action="store_true",
                   help="regenerate every checked-in sample and compare; check groups and ids")
    p.add_argument("--write-samples", action="store_true",
                   help="(re)write the checked-in samples under datasets/samples/")
    sub = p.add_subparsers(dest="shape")

    def common(sp, shape):
        d = SHAPE_DEFAULTS[shape]
        sp.add_argument("--rows", type=int, required=True, help="number of prompts")
        sp.add_argument("--seed", type=int, default=0)
        sp.add_argument("--out", required=True,
                        help="output path; .jsonl/.parquet is added (or replaced) per format")
        sp.add_argument("--format", choices=("jsonl", "parquet", "both"), default="jsonl")
        sp.add_argument("--output-tokens", type=int, default=d["output_tokens"],
                        help="max_tokens and expected_output_tokens of every row")
        sp.add_argument("--no-expected-output", action="store_true",
                        help="leave expected_output_tokens null")
        sp.add_argument("--users", type=int, default=4, help="rows are spread over user0..userN-1")
        sp.add_argument("--user-mode", choices=("row", "group"), default="row",
                        help="draw the user per row, or once per group")
        sp.add_argument("--order", choices=("shuffled", "grouped"), default="shuffled",
                        help="row order in the file (ids are numbered in grouped order)")
        sp.add_argument("--jitter", type=float, default=d["jitter"],
                        help="segment lengths vary uniformly by +/- this fraction "
                             "(not the system prompt)")

    sp = sub.add_parser("batchllm", help="BatchLLM microbenchmark: groups of DEGREE prompts share a context")
    common(sp, "batchllm")
    sp.add_argument("--shared-tokens", type=int, default=2000)
    sp.add_argument("--distinct-tokens", type=int, default=200)
    sp.add_argument("--degree", type=int, default=16, help="prompts per shared context")

    sp = sub.add_parser("multilevel", help="system / few-shot / document / question levels")
    common(sp, "multilevel")
    sp.add_argument("--system-tokens", type=int, default=100)
    sp.add_argument("--fewshot-tokens", type=int, default=400)
    sp.add_argument("--fewshot-variants", type=int, default=8)
    sp.add_argument("--document-tokens", type=int, default=1000)
    sp.add_argument("--questions-min", type=int, default=4)
    sp.add_argument("--questions-max", type=int, default=8)
    sp.add_argument("--question-tokens", type=int, default=30)

    sp = sub.add_parser("nosharing", help="fully distinct prompts")
    common(sp, "nosharing")
    sp.add_argument("--prompt-tokens", type=int, default=512)

    sp = sub.add_parser("zipf", help="Zipf-skewed group sizes")
    common(sp, "zipf")
    sp.add_argument("--exponent", type=float, default=1.1)
    sp.add_argument("--max-group", type=int, default=64)
    sp.add_argument("--shared-tokens", type=int, default=1000)
    sp.add_argument("--distinct-tokens", type=int, default=100)
    return p


def parse(argv):
    p = parser()
    args = p.parse_args(argv)
    if not args.self_check and not args.write_samples and not args.shape:
        p.error("give a SHAPE, --self-check or --write-samples")
    if args.shape:
        for name in ("degree", "max_group", "fewshot_variants"):
            if getattr(args, name, 1) < 1:
                p.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


# The exact commands that made datasets/samples/ (also listed in datasets/README.md).
SAMPLES = [
    ["batchllm", "--rows", "48", "--seed", "1", "--shared-tokens", "200", "--distinct-tokens", "40",
     "--output-tokens", "16", "--degree", "16", "--users", "3",
     "--out", "datasets/samples/batchllm.jsonl"],
    ["multilevel", "--rows", "48", "--seed", "2", "--system-tokens", "20", "--fewshot-tokens", "60",
     "--fewshot-variants", "3", "--document-tokens", "120", "--questions-min", "4",
     "--questions-max", "8", "--question-tokens", "10", "--output-tokens", "16", "--users", "3",
     "--out", "datasets/samples/multilevel.jsonl"],
    ["nosharing", "--rows", "32", "--seed", "3", "--prompt-tokens", "100", "--output-tokens", "16",
     "--users", "3", "--out", "datasets/samples/nosharing.jsonl"],
    ["zipf", "--rows", "64", "--seed", "4", "--exponent", "1.1", "--max-group", "16",
     "--shared-tokens", "150", "--distinct-tokens", "30", "--output-tokens", "16", "--users", "3",
     "--out", "datasets/samples/zipf.jsonl"],
]


def sample_command(argv):
    return "python3 " + SCRIPT + " " + " ".join(argv)


def with_out(argv, out):
    argv = list(argv)
    argv[argv.index("--out") + 1] = out
    return argv


def common_words(a, b):
    """Number of leading words two prompts share (whole words only)."""
    wa, wb = a.split(" "), b.split(" ")
    n = 0
    for x, y in zip(wa, wb):
        if x != y:
            break
        n += 1
    return n


def check_rows(rows, args, label):
    """Structural checks on one sample's rows; returns a list of problems."""
    problems = []
    if len(rows) != args.rows:
        problems.append(f"{label}: {len(rows)} rows, expected {args.rows}")
    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        problems.append(f"{label}: duplicate ids")
    vocab = set(WORDS)
    groups = {}
    for r in rows:
        if set(COLUMNS) != set(r):
            problems.append(f"{label}: row {r.get('id')} has columns {sorted(r)}")
            continue
        if not all(w in vocab for w in r["prompt"].split(" ")):
            problems.append(f"{label}: row {r['id']} has words outside words.txt")
        groups.setdefault(r["group"], []).append(r)
    # The shared text of each group: the prefix its members have in common.
    shared = {}
    for g, members in groups.items():
        first = members[0]["prompt"]
        n = min(common_words(first, m["prompt"]) for m in members[1:]) if len(members) > 1 else None
        shared[g] = n
        if n is not None:
            prefix = " ".join(first.split(" ")[:n])
            if not all(m["prompt"].startswith(prefix + " ") for m in members):
                problems.append(f"{label}: group {g} does not share its prefix")
        paths = {m["prefix_path"] for m in members}
        if len(paths) != 1:
            problems.append(f"{label}: group {g} has prefix paths {sorted(map(str, paths))}")
    minimum = {"batchllm": lambda: args.shared_tokens,
               "zipf": lambda: 1,
               "multilevel": lambda: args.system_tokens + 1,
               "nosharing": lambda: None}[args.shape]()
    exact = args.shared_tokens if args.shape == "batchllm" and args.jitter == 0 else None
    for g, n in shared.items():
        if n is None:
            continue
        if args.shape == "nosharing":
            problems.append(f"{label}: nosharing group {g} has several rows")
        elif n < minimum:
            problems.append(f"{label}: group {g} shares {n} words, expected at least {minimum}")
        elif exact is not None and n != exact:
            problems.append(f"{label}: group {g} shares {n} words, expected exactly {exact}")
    # Ground truth is the deepest shared segment: rows of other groups share strictly less.
    for i, r in enumerate(rows):
        for s in rows[i + 1:]:
            if s["group"] == r["group"]:
                continue
            c = common_words(r["prompt"], s["prompt"])
            for g in (r["group"], s["group"]):
                if shared[g] is not None and c >= shared[g]:
                    problems.append(f"{label}: {r['id']} and {s['id']} (other groups) share {c} words")
            if args.shape == "multilevel":
                # Same few-shot variant: share sys + few-shot exactly; else only the system prompt.
                same_fs = r["prefix_path"].split("/")[1] == s["prefix_path"].split("/")[1]
                if not same_fs and c != args.system_tokens:
                    problems.append(f"{label}: {r['id']} / {s['id']} share {c} words, not the system prompt")
                if same_fs and c <= args.system_tokens:
                    problems.append(f"{label}: {r['id']} / {s['id']} miss their shared few-shot block")
            elif args.shape in ("batchllm", "zipf", "nosharing") and c > 0 and head_width(args.rows) == 1:
                problems.append(f"{label}: {r['id']} / {s['id']} of other groups share {c} words")
    return problems


def self_check():
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for argv in SAMPLES:
            checked_in = os.path.join(REPO_ROOT, argv[argv.index("--out") + 1])
            label = os.path.relpath(checked_in, REPO_ROOT)
            fresh = os.path.join(tmp, os.path.basename(checked_in))
            args = parse(with_out(argv, fresh))
            generate(args)
            if not os.path.exists(checked_in):
                problems.append(f"{label}: missing")
                continue
            with open(checked_in, "rb") as f1, open(fresh, "rb") as f2:
                same = f1.read() == f2.read()
            if not same:
                problems.append(f"{label}: differs from a fresh run of: {sample_command(argv)}")
            size = os.path.getsize(checked_in)
            if size > 200 * 1024:
                problems.append(f"{label}: {size} bytes, over 200 KB")
            with open(checked_in, encoding="utf-8") as f:
                rows = [json.loads(line) for line in f]
            problems += check_rows(rows, args, label)
            # Determinism of a second run in the same process, and of Parquet when available.
            again = os.path.join(tmp, "again-" + os.path.basename(checked_in))
            generate(parse(with_out(argv, again)))
            with open(fresh, "rb") as f1, open(again, "rb") as f2:
                if f1.read() != f2.read():
                    problems.append(f"{label}: two runs differ")
            try:
                import pyarrow.parquet as pq
            except ImportError:
                pq = None
            if pq is not None:
                p1 = os.path.join(tmp, "p1.parquet")
                p2 = os.path.join(tmp, "p2.parquet")
                generate(parse(with_out(argv, p1) + ["--format", "parquet"]))
                generate(parse(with_out(argv, p2) + ["--format", "parquet"]))
                with open(p1, "rb") as f1, open(p2, "rb") as f2:
                    if f1.read() != f2.read():
                        problems.append(f"{label}: two Parquet runs differ")
                if pq.read_table(p1).to_pylist() != rows:
                    problems.append(f"{label}: Parquet rows differ from JSONL rows")
            print(f"checked {label}: {len(rows)} rows, {size} bytes, {len(set(r['group'] for r in rows))} groups")
    for p in problems:
        print("FAIL " + p, file=sys.stderr)
    print("self-check " + ("FAILED" if problems else "passed"))
    return 1 if problems else 0


def write_samples():
    for argv in SAMPLES:
        out = os.path.join(REPO_ROOT, argv[argv.index("--out") + 1])
        for path, n in generate(parse(with_out(argv, out))):
            print(f"wrote {os.path.relpath(path, REPO_ROOT)}: {n} rows, {os.path.getsize(path)} bytes")
    return 0


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.self_check:
        return self_check()
    if args.write_samples:
        return write_samples()
    for path, n in generate(args):
        print(f"wrote {path}: {n} rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
