#!/usr/bin/env python3
"""Writes the SmolLM2 tokenizer references that the Java tests compare against.

For a deterministic (seeded) set of strings - many scripts, emoji with ZWJ sequences, digits and
long numbers, whitespace runs, code, contractions, special tokens embedded in text, empty and
very long strings - it records the token ids of

  ids_llamacpp  llama.cpp (llama-cpp-python) on the GGUF file: Llama(vocab_only=True).tokenize
  ids_hf        Hugging Face: transformers' GGUF -> fast-tokenizer conversion of the same file
  ids_hf_digits Hugging Face `tokenizers` with that tokenizer but SmolLM2's own pre-tokenizer
                (Sequence[Digits(individual_digits), ByteLevel]), i.e. what SmolLM2's published
                tokenizer.json does. transformers' GGUF conversion drops the Digits step, so
                ids_hf differs from the other two where a space or letter sits before a \\p{N}
                character that the vocabulary can merge with it. Also, for the few bytes that
                have no token in SmolLM2's vocabulary (0x04, 0x06, 0x13, 0x14, 0x16, 0x1D, 0xF1,
                0xF2 and the never-valid ones), llama.cpp drops the byte and HF emits the unknown
                token (id 0, which is <|endoftext|> here).

Outputs (paths relative to gpu-executor/src/test/resources/tokenizer-reference/):
  smollm2.jsonl                  {"text", "parse_special", "ids_llamacpp", "ids_hf", "ids_hf_digits"}
  smollm2-hf-tokenizer.json.gz   the tokenizer.json that transformers made from the GGUF file
  pretokenizers.jsonl            {"pre", "text", "ids_llamacpp", "ids_hf"}: SmolLM2's vocabulary and
                                 merges under other pre-tokenizers - llama.cpp on a vocab-only copy
                                 of the GGUF with another tokenizer.ggml.pre, HF `tokenizers` with the
                                 matching Split regex (ids_hf null for llama.cpp's own "default")

Rerun (about a minute):
  pip install llama-cpp-python==0.3.16 "transformers==4.57.1" tokenizers gguf unicodedata2==15.1.0
  python3 gpu-executor/src/test/python/make_tokenizer_reference.py [--model PATH]
transformers 4.57 is used because 5.x cannot read GGUF metadata without PyTorch; 4.57 only
checks that PyTorch is installed, and this script lifts that check (no tensors are read).
"""
import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile

import unicodedata2 as unicodedata  # pinned Unicode version, so the random strings are the same everywhere

SEED = 20250326
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
OUT_DIR = os.path.join(REPO, "gpu-executor", "src", "test", "resources", "tokenizer-reference")
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"

SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<repo_name>", "<reponame>", "<file_sep>",
            "<filename>", "<gh_stars>", "<issue_start>", "<issue_comment>", "<issue_closed>",
            "<jupyter_start>", "<jupyter_text>", "<jupyter_code>", "<jupyter_output>",
            "<jupyter_script>", "<empty_output>"]

CODE = [
    'def fib(n):\n    """Return the n-th Fibonacci number."""\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n',
    'public static void main(String[] args) {\n\tSystem.out.println("Hello, " + args[0] + "!");\n}\n',
    '#include <stdio.h>\nint main(void) { printf("%d\\n", 42); return 0; }\n',
    'fn main() {\n    let v: Vec<i32> = (1..=10).map(|x| x * x).collect();\n    println!("{:?}", v);\n}\n',
    'const add = (a, b) => a + b; // arrow function\nconsole.log(`sum=${add(1, 2)}`);\n',
    "SELECT id, name FROM users WHERE age >= 18 AND name LIKE 'A%' ORDER BY id DESC;",
    '<!DOCTYPE html>\n<html><body><div class="x">&nbsp;Hi &amp; bye</div></body></html>',
    '{"key": [1, 2.5, true, null], "nested": {"a": "b\\u00e9"}}',
    'for f in *.txt; do echo "$f" | sed -e \'s/a/b/g\' >> out.log 2>&1; done',
    r'^(?:[a-z0-9!#$%&\'*+/=?^_`{|}~-]+)@(?:[a-z0-9-]+\.)+[a-z]{2,}$',
    '| col A | col B |\n|------:|:------|\n| 1     | two   |\n',
    r'\begin{equation} E = mc^2 \quad \int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2} \end{equation}',
    'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("go!")\n}\n',
    '    if (x != null && x.size() > 0) {\r\n        return x.get(0);\r\n    }\r\n',
    "x = [i**2 for i in range(10) if i % 2 == 0]  # squares\n",
    "#!/usr/bin/env bash\nset -euo pipefail\n",
]

FIXED = [
    "", " ", "  ", "   ", "\n", "\t", "\r", "a", "A", "z", "é", "😀", "中", "1", "'", ".", "Ġ",
    "Hello world", "Hello, world!", " Hello", "  Hello", "Hello  world", "hello\n\nworld",
    "\r\n", "line1\r\nline2\r\n", "tab\there", "\t\tindented", "trailing   ", "   leading",
    "I'm", "you're", "we've", "he'll", "she'd", "it's", "don't", "I'M", "YOU'RE", "it'S", "We'Ve",
    "rock'n'roll", "'s", "'t", "''", "''s", " 's", "O'Neil's", "don\u2019t", "'ll've'd",
    "0", "12", "123", "1234567890", "3.14159", "1,000,000", "-42", "1e10", "0x1F", "2024-01-01",
    "12:30:45", "+1 (555) 123-4567", "99999999999999999999999999999999", " 2024", "a1b2c3",
    "\u0661\u0662\u0663\u0664", "\u0966\u0967\u0968", "\u00b2\u00b3", "\u00bd \u00bc", "\u216b",
    "\u2460\u2461", "\U0001d7d8\U0001d7d9", "\u0663.\u0661\u0664", "x\u00b2+y\u00b2", " \u00bd",
    "a\u00a0b", "a\u2003b", "a\u3000b", "a\u0085b", "a\u2028b", "a\u200bb", "a\ufeffb",
    " \n \n ", "\n\n\n", "    \n    ", "\u000b\u000c", "a \u00a0 b", "\u00a0\u00a0x",
    "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440!", "\u0393\u03b5\u03b9\u03ac \u03c3\u03bf\u03c5 \u039a\u03cc\u03c3\u03bc\u03b5",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645", "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",
    "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e", "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u0e0a\u0e32\u0e27\u0e42\u0e25\u0e01",
    "\uc548\ub155\ud558\uc138\uc694 \uc138\uacc4", "\u3053\u3093\u306b\u3061\u306f\u4e16\u754c", "\u4f60\u597d\uff0c\u4e16\u754c\uff01",
    "Xin ch\u00e0o th\u1ebf gi\u1edbi", "\u0f40\u0f0b\u0f41\u0f0b", "\u16a0\u16c7\u16bb", "\U00010330\U00010331\U00010332",
    "\u13a0 \u13a1", "\u2d30\u2d63\u2d53\u2d4d", "\u1230\u120b\u121d", "\u0eaa\u0eb0\u0e9a\u0eb2\u0e8d\u0e94\u0eb5",
    "\u0c95\u0ca8\u0ccd\u0ca8\u0ca1", "\u0ba4\u0bae\u0bbf\u0bb4\u0bcd", "\u0a97\u0ac1\u0a9c\u0ab0\u0abe\u0aa4\u0ac0", "\u09ac\u09be\u0982\u09b2\u09be",
    "e\u0301", "Z\u0324\u0354\u0367\u0311\u0313a\u0308\u0356\u032d\u0308\u0307l\u036e\u0312\u036bg", "\u00f1 n\u0303",
    "\U0001f44d", "\U0001f44d\U0001f3fd", "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",
    "\U0001f3f3\ufe0f\u200d\U0001f308", "\U0001f1fa\U0001f1f8\U0001f1ef\U0001f1f5", "\u2764\ufe0f",
    "\U0001f9d1\U0001f3ff\u200d\U0001f680", "#\ufe0f\u20e3", "\U0001f600\U0001f603\U0001f604\U0001f601",
    "I \u2764\ufe0f \U0001f355!", "\u00e9t\u00e9 \u00e0 Paris \u2014 \u00ab citation \u00bb",
    "\x00", "\x01\x02", "\x7f", "\x04", "a\x04b", "\x1d\x13 \x16", "\U00040000", "x\U000e0100y", "\u200d", "\ufffd", "\ue000", "\U0010fffd", "\uffff",
    "\U0001fae8", "\U0001e4d0\U0001e4d1", "\U0001e030", "\u2ffc", "\U0002ebf0", "\u1c89", "\U00011f04",
    "\u2200x\u2208\u211d: x\u00b2 \u2265 0", "\u2192\u21d2\u2194", "\u2500\u2502\u250c\u2510", "\uff21\uff22\uff23\uff11\uff12",
    "https://example.com/path?q=1&r=%20x#frag", "user@example.org", "C:\\Windows\\System32",
    "a" * 1000, "abc" * 500, "supercalifragilisticexpialidocious" * 20, "1" * 300, " " * 100,
    "\n" * 50, "\u00e9" * 300, "\U0001f600" * 100, "-" * 200, "pneumonoultramicroscopicsilicovolcanoconiosis",
    "The quick brown fox jumps over the lazy dog. " * 10,
] + CODE

SPECIAL_CASES = [
    "<|im_start|>user\nHi<|im_end|>\n", "<|endoftext|>", "a<|endoftext|>b", "<|im_start|><|im_end|>",
    "<|im_start", "<|im_start|", "<<|im_end|>>", "<|im_start|>assistant\n", "text <repo_name>x<reponame>y",
    "<filename>a.py<file_sep>", "<jupyter_code>print(1)<jupyter_output>", "<|endoftext|><|endoftext|>",
    "<empty_output>", " <|im_end|> ", "\n<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n",
    "<|IM_START|>", "<| im_start |>", "<|im_start|><|im_start|>", "x<gh_stars>10", "<issue_start>bug<issue_comment>ok<issue_closed>",
]

WORDS = ["the", "of", "and", "to", "in", "is", "you", "that", "it", "he", "was", "for", "on", "are",
         "as", "with", "his", "they", "I", "at", "be", "this", "have", "from", "or", "one", "had",
         "by", "word", "but", "not", "what", "all", "were", "we", "when", "your", "can", "said",
         "tokenizer", "Spark", "GPU", "inference", "batch", "naïve", "café", "Über", "straße",
         "don't", "it's", "we're", "they've", "I'll", "she'd", "MUSTN'T", "résumé", "coöperate"]
PUNCT = list(".,;:!?-—()[]{}\"'`/\\@#$%^&*+=<>|~_…«»“”")
SPACES = [" ", " ", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "   ", "\n\n"]
SCRIPT_RANGES = [
    (0x00C0, 0x024F), (0x0370, 0x03FF), (0x0400, 0x04FF), (0x0530, 0x058F), (0x0590, 0x05FF),
    (0x0600, 0x06FF), (0x0900, 0x097F), (0x0980, 0x09FF), (0x0E00, 0x0E7F), (0x10A0, 0x10FF),
    (0x1100, 0x11FF), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F),
    (0x2190, 0x21FF), (0x2200, 0x22FF), (0x2500, 0x257F), (0x2600, 0x26FF), (0x3040, 0x30FF),
    (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFF00, 0xFFEF), (0x1F300, 0x1F5FF), (0x1F600, 0x1F64F),
    (0x1F900, 0x1F9FF), (0x0300, 0x036F), (0x1D400, 0x1D7FF), (0x10000, 0x1007F), (0x1F100, 0x1F1FF),
]


def assigned(cp: int) -> bool:
    return unicodedata.category(chr(cp)) not in ("Cn", "Cs")


def random_unicode_char(rng: random.Random) -> str:
    while True:
        lo, hi = rng.choice(SCRIPT_RANGES)
        cp = rng.randint(lo, hi)
        if assigned(cp):
            return chr(cp)


def random_any_char(rng: random.Random) -> str:
    while True:
        cp = rng.randint(0, 0x10FFFF) if rng.random() < 0.5 else rng.randint(0x80, 0x2FFFF)
        if assigned(cp):
            return chr(cp)


def random_number(rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        return str(rng.randint(0, 10 ** rng.randint(1, 30)))
    if kind == 1:
        return f"{rng.uniform(-1e6, 1e6):.{rng.randint(0, 8)}f}"
    if kind == 2:
        return f"{rng.randint(0, 999):,}".replace(",", rng.choice([",", ".", " ", "'"])) + str(rng.randint(0, 999))
    if kind == 3:
        return hex(rng.getrandbits(rng.randint(4, 64)))
    return "".join(rng.choice("0123456789\u0660\u0661\u0966\u00b2\u00bd\u2167") for _ in range(rng.randint(1, 12)))


def random_sentence(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 25)):
        r = rng.random()
        if r < 0.55:
            w = rng.choice(WORDS)
            w = w.upper() if rng.random() < 0.1 else (w.capitalize() if rng.random() < 0.2 else w)
            parts.append(w)
        elif r < 0.7:
            parts.append(random_number(rng))
        elif r < 0.85:
            parts.append("".join(rng.choice(PUNCT) for _ in range(rng.randint(1, 3))))
        else:
            parts.append("".join(random_unicode_char(rng) for _ in range(rng.randint(1, 6))))
        parts.append(rng.choice(SPACES) if rng.random() < 0.8 else "")
    return "".join(parts)


def random_unicode_soup(rng: random.Random) -> str:
    pool = [lambda: random_unicode_char(rng), lambda: rng.choice(SPACES), lambda: rng.choice(PUNCT),
            lambda: rng.choice("0123456789"), lambda: rng.choice(WORDS)]
    return "".join(rng.choice(pool)() for _ in range(rng.randint(1, 40)))


def random_ascii(rng: random.Random) -> str:
    alphabet = [chr(c) for c in range(0x20, 0x7F)] + ["\t", "\n", "\r", "  "]
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80)))


def random_with_specials(rng: random.Random) -> str:
    pieces = []
    for _ in range(rng.randint(1, 6)):
        pieces.append(random_sentence(rng) if rng.random() < 0.7 else "")
        pieces.append(rng.choice(SPECIALS))
    if rng.random() < 0.5:
        pieces.append(random_sentence(rng))
    return "".join(pieces)


def random_any(rng: random.Random) -> str:
    return "".join(random_any_char(rng) if rng.random() < 0.7 else rng.choice(SPACES) for _ in range(rng.randint(1, 20)))


def make_cases():
    rng = random.Random(SEED)
    cases = [(t, False) for t in FIXED]
    for text in SPECIAL_CASES:
        cases += [(text, True), (text, False)]
    generators = [(random_sentence, 90), (random_unicode_soup, 60), (random_ascii, 40),
                  (random_with_specials, 30), (random_any, 30), (lambda r: random_number(r), 20)]
    for gen, count in generators:
        for _ in range(count):
            text = gen(rng)
            cases.append((text, gen is random_with_specials))
            if gen is random_with_specials:
                cases.append((text, False))
    # Words of every length up to a few hundred characters, to exercise long merge chains.
    for n in (64, 128, 256, 511):
        cases.append(("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n)), False))
    return cases


def default_model_path() -> str:
    script = os.path.join(REPO, "ci", "fetch-model.sh")
    return subprocess.run(["bash", script], check=True, capture_output=True, text=True).stdout.strip()


def hf_tokenizer_from_gguf(model_path: str, save_dir: str):
    import transformers.modeling_gguf_pytorch_utils as gguf_utils
    gguf_utils.is_torch_available = lambda: True  # metadata only: PyTorch is needed for tensors alone
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(os.path.dirname(model_path), gguf_file=os.path.basename(model_path))
    tok.backend_tokenizer.save(os.path.join(save_dir, "tokenizer.json"))
    return tok.backend_tokenizer


def with_smollm2_pre_tokenizer(tokenizer):
    from tokenizers import Tokenizer, pre_tokenizers
    copy = Tokenizer.from_str(tokenizer.to_str())
    copy.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)])
    return copy


LLAMA3_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                r"|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2_REGEX = LLAMA3_REGEX.replace(r"\p{N}{1,3}", r"\p{N}")
# pre-tokenizer name -> (Split regex before a regex-less ByteLevel, BPE ignore_merges); None: plain ByteLevel
PRE_TOKENIZERS = {"gpt-2": (None, False), "llama-bpe": (LLAMA3_REGEX, True), "qwen2": (QWEN2_REGEX, False),
                  "default": None}


def with_split_pre_tokenizer(tokenizer, regex, ignore_merges):
    from tokenizers import Regex, Tokenizer, pre_tokenizers
    data = json.loads(tokenizer.to_str())
    data["model"]["ignore_merges"] = ignore_merges
    copy = Tokenizer.from_str(json.dumps(data))
    if regex is None:
        copy.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    else:
        copy.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(regex), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    return copy


def gguf_with_pre(model_path: str, pre: str, out_path: str) -> None:
    """A vocab-only copy of the GGUF metadata with another tokenizer.ggml.pre (no tensors)."""
    import gguf
    reader = gguf.GGUFReader(model_path)
    writer = gguf.GGUFWriter(out_path, reader.fields["general.architecture"].contents())
    for key, field in reader.fields.items():
        if key.startswith("GGUF.") or key == "general.architecture":
            continue
        value = pre if key == "tokenizer.ggml.pre" else field.contents()
        sub_type = field.types[1] if field.types[0] == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(key, value, field.types[0], sub_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def pre_tokenizer_lines(model_path: str, hf, texts):
    import llama_cpp
    with tempfile.TemporaryDirectory() as tmp:
        for pre, hf_setup in PRE_TOKENIZERS.items():
            path = os.path.join(tmp, pre + ".gguf")
            gguf_with_pre(model_path, pre, path)
            llm = llama_cpp.Llama(path, vocab_only=True, verbose=False)
            hf_pre = with_split_pre_tokenizer(hf, *hf_setup) if hf_setup else None
            for text in texts:
                yield {"pre": pre, "text": text,
                       "ids_llamacpp": llm.tokenize(text.encode("utf-8"), add_bos=False, special=False),
                       "ids_hf": hf_ids(hf_pre, text, False) if hf_pre else None}
            llm.close()


def hf_ids(tokenizer, text: str, parse_special: bool):
    tokenizer.encode_special_tokens = not parse_special
    return tokenizer.encode(text, add_special_tokens=False).ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=os.environ.get("SPARKLLM_MODEL_PATH"))
    parser.add_argument("--out", default=OUT_DIR)
    args = parser.parse_args()
    model_path = args.model or default_model_path()

    import llama_cpp
    llm = llama_cpp.Llama(model_path, vocab_only=True, verbose=False)
    with tempfile.TemporaryDirectory() as tmp:
        hf = hf_tokenizer_from_gguf(model_path, tmp)
        with open(os.path.join(tmp, "tokenizer.json"), "rb") as src:
            tokenizer_json = src.read()
    hf_digits = with_smollm2_pre_tokenizer(hf)

    os.makedirs(args.out, exist_ok=True)
    counts = {"lines": 0, "llamacpp_vs_hf": 0, "llamacpp_vs_hf_digits": 0}
    with open(os.path.join(args.out, "smollm2.jsonl"), "w", encoding="utf-8") as out:
        for text, parse_special in make_cases():
            line = {
                "text": text,
                "parse_special": parse_special,
                "ids_llamacpp": llm.tokenize(text.encode("utf-8"), add_bos=False, special=parse_special),
                "ids_hf": hf_ids(hf, text, parse_special),
                "ids_hf_digits": hf_ids(hf_digits, text, parse_special),
            }
            counts["lines"] += 1
            counts["llamacpp_vs_hf"] += line["ids_llamacpp"] != line["ids_hf"]
            counts["llamacpp_vs_hf_digits"] += line["ids_llamacpp"] != line["ids_hf_digits"]
            out.write(json.dumps(line, ensure_ascii=True) + "\n")
    texts = sorted({text for text, _ in make_cases() if len(text) <= 300})
    texts = texts[::2]  # half of them keeps the file small and still covers every kind of string
    pre_counts = {}
    with open(os.path.join(args.out, "pretokenizers.jsonl"), "w", encoding="utf-8") as out:
        for line in pre_tokenizer_lines(model_path, hf, texts):
            key = line["pre"]
            pre_counts.setdefault(key, [0, 0])
            pre_counts[key][0] += 1
            pre_counts[key][1] += line["ids_hf"] is not None and line["ids_hf"] != line["ids_llamacpp"]
            out.write(json.dumps(line, ensure_ascii=True) + "\n")
    counts["pretokenizers (lines, llamacpp_vs_hf)"] = pre_counts
    # mtime=0 keeps the archive byte-identical across reruns.
    with gzip.GzipFile(os.path.join(args.out, "smollm2-hf-tokenizer.json.gz"), "wb", compresslevel=9, mtime=0) as gz:
        gz.write(tokenizer_json)
    llm.close()
    print(json.dumps(counts))


if __name__ == "__main__":
    sys.exit(main())
