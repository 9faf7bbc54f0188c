#!/usr/bin/env python3
"""Writes the SentencePiece-BPE tokenizer reference that the Java tests compare against.

No small Llama-style (SentencePiece BPE) tokenizer ships in a PyPI package, so this trains one:
a deterministic corpus (seeded words in several scripts, numbers, code) goes through the
`sentencepiece` trainer with Llama 2's settings (BPE, byte fallback, split digits, identity
normalisation, dummy prefix, extra whitespace kept), and its vocabulary, scores and piece types are
exported. For a seeded set of strings it records the ids of

  ids_sentencepiece  the trained model itself (SentencePieceProcessor.encode, no BOS)
  ids_llamacpp       llama.cpp (llama-cpp-python) on a vocab-only GGUF holding the same vocabulary
                     (model "llama"), tokenize(add_bos=False, special=False)
  ids_hf             Hugging Face: transformers' LlamaTokenizerFast converted from the model (the
                     legacy Llama 2 layout: Prepend/Replace normaliser, BPE with merges and byte
                     fallback), encode(add_special_tokens=False) with encode_special_tokens

Outputs, in gpu-executor/src/test/resources/tokenizer-reference/:
  spm-bpe.json  {"pieces": [...], "scores": [...], "types": [...], "bos_id", "eos_id", "unk_id",
                 "cases": [{"text", "ids_sentencepiece", "ids_llamacpp", "ids_hf"}]}
  spm-bpe-hf/tokenizer.json  that tokenizer.json

Rerun (seconds):
  pip install sentencepiece==0.2.3 llama-cpp-python==0.3.16 gguf unicodedata2==15.1.0 "transformers==4.57.1" protobuf
  python3 gpu-executor/src/test/python/make_spm_reference.py
"""
import json
import os
import random
import sys
import tempfile

import sentencepiece as spm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_tokenizer_reference as ref  # noqa: E402  (shared string generators)

SEED = 77
OUT = os.path.join(ref.OUT_DIR, "spm-bpe.json")
USER_DEFINED = ["<|user|>", "<sep>"]


FOREIGN_WORDS = ["Привет", "мир", "Γειά", "κόσμε", "مرحبا", "שלום", "नमस्ते", "你好", "世界", "こんにちは",
                 "안녕하세요", "café", "naïve", "Straße", "año", "żółw", "😀", "👍", "—", "…", "«", "»"]


def corpus_sentence(rng: random.Random) -> str:
    # Mostly ASCII: the trainer insists on covering >= 98% of characters with single pieces.
    words = []
    for _ in range(rng.randint(3, 20)):
        r = rng.random()
        words.append(rng.choice(ref.WORDS) if r < 0.8 else rng.choice(FOREIGN_WORDS) if r < 0.85
                     else ref.random_number(rng) if r < 0.93 else rng.choice(ref.PUNCT))
    return rng.choice(["", " ", "  "]) + rng.choice([" ", " ", " ", "  ", "\t"]).join(words)


def corpus(rng: random.Random) -> list:
    lines = [corpus_sentence(rng) for _ in range(4000)]
    lines += [c.replace("\n", " ") for c in ref.CODE] * 20
    lines += [t for t in ref.FIXED if t.strip() and "\n" not in t and len(t) < 200] * 3
    return [line.replace("\n", " ").replace("\r", " ") for line in lines if line.strip()]


def train(tmp: str, rng: random.Random) -> spm.SentencePieceProcessor:
    text_file = os.path.join(tmp, "corpus.txt")
    with open(text_file, "w", encoding="utf-8") as f:
        f.write("\n".join(corpus(rng)) + "\n")
    prefix = os.path.join(tmp, "spm")
    spm.SentencePieceTrainer.train(
        input=text_file, model_prefix=prefix, model_type="bpe", vocab_size=2000,
        byte_fallback=True, split_digits=True, normalization_rule_name="identity",
        add_dummy_prefix=True, remove_extra_whitespaces=False, allow_whitespace_only_pieces=True,
        character_coverage=0.9995, user_defined_symbols=USER_DEFINED, num_threads=1,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1, minloglevel=2)
    return spm.SentencePieceProcessor(model_file=prefix + ".model")


def piece_type(sp, i: int) -> int:
    # GGUF / llama.cpp numbering: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte
    if sp.is_unknown(i):
        return 2
    if sp.is_control(i):
        return 3
    if sp.is_byte(i):
        return 6
    if sp.is_unused(i):
        return 5
    if sp.id_to_piece(i) in USER_DEFINED:
        return 4
    return 1


def write_gguf(path: str, pieces, scores, types) -> None:
    """A vocab-only GGUF: llama architecture keys copied from the SmolLM2 file, our vocabulary."""
    import gguf
    source = gguf.GGUFReader(ref.default_model_path())
    writer = gguf.GGUFWriter(path, "llama")
    for key, field in source.fields.items():
        if key.startswith("llama.") and field.types and field.types[0] in (
                gguf.GGUFValueType.UINT32, gguf.GGUFValueType.FLOAT32):
            value = field.contents()
            (writer.add_uint32 if field.types[0] == gguf.GGUFValueType.UINT32 else writer.add_float32)(key, value)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(pieces)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(False)
    writer.add_add_space_prefix(True)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def cases(rng: random.Random) -> list:
    fixed = [t for t in ref.FIXED if len(t) <= 2000] + [
        "<|user|>hello<sep>world", "a<|user|>", " <sep> ", "<s>", "</s>", "<unk>", "▁", "▁▁x", "x▁y"]
    generated = [ref.random_sentence(rng) for _ in range(60)] + [ref.random_unicode_soup(rng) for _ in range(40)] + \
                [ref.random_ascii(rng) for _ in range(20)] + [ref.random_any(rng) for _ in range(20)]
    return fixed + generated


def hf_tokenizer(model_file: str):
    from transformers import LlamaTokenizerFast
    fast = LlamaTokenizerFast(vocab_file=model_file, legacy=True, from_slow=True, add_bos_token=False,
                               add_prefix_space=True)
    out_dir = os.path.join(ref.OUT_DIR, "spm-bpe-hf")
    os.makedirs(out_dir, exist_ok=True)
    fast.backend_tokenizer.save(os.path.join(out_dir, "tokenizer.json"))
    backend = fast.backend_tokenizer
    backend.encode_special_tokens = True  # special-token text is text, as with llama.cpp's special=False
    return backend


def main() -> None:
    rng = random.Random(SEED)
    import llama_cpp
    with tempfile.TemporaryDirectory() as tmp:
        sp = train(tmp, rng)
        hf = hf_tokenizer(os.path.join(tmp, "spm.model"))
        n = sp.get_piece_size()
        pieces = [sp.id_to_piece(i) for i in range(n)]
        scores = [sp.get_score(i) for i in range(n)]
        types = [piece_type(sp, i) for i in range(n)]
        gguf_path = os.path.join(tmp, "spm-vocab.gguf")
        write_gguf(gguf_path, pieces, scores, types)
        llm = llama_cpp.Llama(gguf_path, vocab_only=True, verbose=False)
        out_cases = []
        disagreements = 0
        hf_disagreements = 0
        for text in cases(rng):
            ids_sp = sp.encode(text)
            ids_lc = llm.tokenize(text.encode("utf-8"), add_bos=False, special=False) if text else []
            ids_hf = hf.encode(text, add_special_tokens=False).ids
            disagreements += ids_sp != ids_lc
            hf_disagreements += ids_sp != ids_hf
            out_cases.append({"text": text, "ids_sentencepiece": ids_sp, "ids_llamacpp": ids_lc, "ids_hf": ids_hf})
        llm.close()
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"pieces": pieces, "scores": scores, "types": types, "bos_id": 1, "eos_id": 2, "unk_id": 0,
                   "cases": out_cases}, f, ensure_ascii=True, separators=(",", ":"))
        f.write("\n")
    print(json.dumps({"vocab": n, "cases": len(out_cases), "sentencepiece_vs_llamacpp": disagreements,
                      "sentencepiece_vs_hf": hf_disagreements}))


if __name__ == "__main__":
    main()
