#!/usr/bin/env python3
"""Writes the small realistic sample tables in datasets/tables/ (used by the notebooks).

    python3 datasets/make_tables.py            # (re)write datasets/tables/*.jsonl
    python3 datasets/make_tables.py --check    # exit 1 unless the checked-in files are what this writes

Every text below was written for this project (no data set was copied); it is CC0.

- reviews.jsonl: customer reviews to classify. Every prompt is the same instruction and the same
  three few-shot examples, then the review: one long shared prefix, the BatchLLM case.
  Columns: id, product, review, label (the sentiment a person gave it), prompt.
- doc_questions.jsonl: short documents, each with several questions. A prompt is a shared
  instruction, the document, then one question: sharing on two levels (all rows, then the rows of
  one document). Columns: id, doc_id, question, prompt.
"""
import json
import sys
import tempfile
from pathlib import Path

TABLES = Path(__file__).resolve().parent / "tables"

REVIEW_INSTRUCTION = (
    "Classify the sentiment of a customer review as positive, negative or mixed. "
    "Answer with one word.\n\n"
    "Examples:\n"
    "The blender crushes ice in seconds and the jug goes in the dishwasher. -> positive\n"
    "It stopped charging after two weeks and support never answered my emails. -> negative\n"
    "Comfortable headphones with good sound, but the left ear cup creaks. -> mixed\n\n"
)

# (product, review, label)
REVIEWS = [
    ("kettle", "Boils a full litre in under three minutes and the handle stays cool.", "positive"),
    ("backpack", "The zip broke on the first trip and the seller refused a refund.", "negative"),
    ("desk lamp", "Nice warm light, although the clamp is too weak for a thick desk.", "mixed"),
    ("running shoes", "Light, well cushioned, and my knees no longer hurt after long runs.", "positive"),
    ("phone case", "Cracked when the phone slipped off the sofa. Useless protection.", "negative"),
    ("coffee grinder", "Grinds evenly for espresso, but it is louder than a vacuum cleaner.", "mixed"),
    ("e-reader", "The screen is sharp, the battery lasts weeks, and it fits in a coat pocket.", "positive"),
    ("office chair", "Assembly took two hours and one armrest was missing from the box.", "negative"),
    ("rain jacket", "Kept me dry in a storm; the hood is a little small.", "mixed"),
    ("board game", "Our family has played it every weekend since it arrived. Great fun.", "positive"),
    ("smart plug", "Drops off the wifi every night and the app needs a new login each time.", "negative"),
    ("frying pan", "Nothing sticks and it heats evenly, though the coating scratched quickly.", "mixed"),
]

DOC_INSTRUCTION = "Answer the question using only the document. Be brief.\n\n"

# doc_id -> (document, questions)
DOCUMENTS = {
    "library": (
        "The Riverside Library opens at 9:00 on weekdays and at 10:00 on Saturdays; it is closed "
        "on Sundays. Members may borrow up to eight books for three weeks, and a loan can be "
        "renewed twice online unless another member has reserved the book. Late returns cost "
        "20 cents a day per book. The reading room on the second floor is kept silent.",
        ["When does the library open on Saturdays?",
         "How many books can a member borrow?",
         "How much does a late return cost?"],
    ),
    "kettle-manual": (
        "Fill the kettle between the MIN and MAX marks before switching it on. The kettle turns "
        "itself off when the water boils or when it is lifted from its base. To remove limescale, "
        "boil a mixture of half water and half white vinegar, leave it for an hour, then rinse "
        "twice with clean water. The filter in the spout can be taken out and washed by hand.",
        ["What should you do before switching the kettle on?",
         "When does the kettle turn itself off?",
         "How do you remove limescale?"],
    ),
    "recycling": (
        "From March, the town collects paper and cardboard every second Tuesday and glass on the "
        "first Friday of each month. Plastic bottles and cans go in the yellow bin, which is "
        "emptied every week. Batteries and light bulbs are not collected at the door: take them "
        "to the recycling centre on Mill Road, open daily from 8:00 to 18:00.",
        ["When is glass collected?",
         "Which bin is for cans?",
         "Where should batteries go?"],
    ),
}


def review_rows():
    for i, (product, review, label) in enumerate(REVIEWS, start=1):
        yield {"id": "r%02d" % i, "product": product, "review": review, "label": label,
               "prompt": REVIEW_INSTRUCTION + "Review: " + review + "\nSentiment:"}


def doc_question_rows():
    for doc_id, (document, questions) in DOCUMENTS.items():
        for q, question in enumerate(questions, start=1):
            yield {"id": "%s-q%d" % (doc_id, q), "doc_id": doc_id, "question": question,
                   "prompt": DOC_INSTRUCTION + "Document: " + document + "\n\nQuestion: " + question + "\nAnswer:"}


def write(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("reviews.jsonl", review_rows()), ("doc_questions.jsonl", doc_question_rows())):
        with open(folder / name, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return ["reviews.jsonl", "doc_questions.jsonl"]


def main(argv):
    if argv == ["--check"]:
        with tempfile.TemporaryDirectory() as tmp:
            names = write(Path(tmp))
            stale = [n for n in names
                     if not (TABLES / n).exists() or (TABLES / n).read_bytes() != (Path(tmp) / n).read_bytes()]
        if stale:
            print("make_tables: %s differ from the generator; run python3 datasets/make_tables.py" % stale)
            return 1
        print("make_tables: %s are up to date" % ", ".join(names))
        return 0
    if argv:
        print(__doc__)
        return 2
    for name in write(TABLES):
        print("wrote", TABLES / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
