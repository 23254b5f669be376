"""Train the reference-token CRF on AnyStyle core.xml and write citecheck/models/.

Reproduce the committed model, and the list of its attributes beside it, with:

    .venv/bin/python benchmarks/train_parser.py

``--attributes-only`` rewrites the list from the committed model without training.

It trains on ../shared/data/parsing/anystyle/core.xml only (gold.xml is the test set and is
never trained on; note that 209 of gold.xml's 1669 references also occur in core.xml), then
prints the token accuracy on both. Field F1 of the parser that uses the model:
benchmarks/extraction.py. Takes about 15 s of CPU; the result is deterministic.
"""

from __future__ import annotations

import argparse
import sys
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pycrfsuite  # noqa: E402

from citecheck.extract.crf import (  # noqa: E402
    ATTRIBUTES_NAME,
    LABELS,
    MODEL_NAME,
    model_attributes,
    sequence_features,
)

ANYSTYLE = REPO.parent / "shared" / "data" / "parsing" / "anystyle"
MODEL = REPO / "citecheck" / "models" / MODEL_NAME
ATTRIBUTES = MODEL.with_name(ATTRIBUTES_NAME)
# L-BFGS with elastic net. The L1 weight c1 prunes features and keeps the model small (0.64 MB
# with these values). The values were set once, not tuned: gold.xml is only ever measured.
PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 200, "feature.possible_transitions": True}


def load_sequences(path: Path) -> list[tuple[list[str], list[str]]]:
    """(words, labels) of each <sequence> of an AnyStyle XML file."""
    sequences = []
    for sequence in ElementTree.parse(path).getroot():
        words: list[str] = []
        labels: list[str] = []
        for child in sequence:
            for word in (child.text or "").split():
                words.append(word)
                labels.append(LABELS.get(child.tag, "other"))
        if words:
            sequences.append((words, labels))
    return sequences


def train(sequences: list[tuple[list[str], list[str]]], path: Path,
          params: dict[str, object] = PARAMS) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for words, labels in sequences:
        trainer.append(sequence_features(words), labels)
    trainer.set_params(params)
    trainer.train(str(path))


def write_attributes(model: Path, path: Path) -> None:
    """The model's attributes, one a line: the tagger leaves out features not among them."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    # Bytes, so that no platform's line ending gets in.
    path.write_bytes("".join(f"{attribute}\n" for attribute in model_attributes(tagger))
                     .encode("utf-8"))


def token_accuracy(sequences: list[tuple[list[str], list[str]]], path: Path) -> float:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    right = total = 0
    for words, labels in sequences:
        predicted = tagger.tag(sequence_features(words))
        right += sum(a == b for a, b in zip(predicted, labels, strict=True))
        total += len(labels)
    return right / total


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Train the reference-token CRF.")
    parser.add_argument("--attributes-only", action="store_true",
                        help="only rewrite the attribute list from the committed model")
    if parser.parse_args(argv).attributes_only:
        write_attributes(MODEL, ATTRIBUTES)
        return 0
    began = time.perf_counter()
    core = load_sequences(ANYSTYLE / "core.xml")
    train(core, MODEL)
    write_attributes(MODEL, ATTRIBUTES)
    gold = load_sequences(ANYSTYLE / "gold.xml")
    print(f"trained on {len(core)} core.xml sequences in {time.perf_counter() - began:.0f} s; "
          f"model {MODEL.stat().st_size / 1e6:.2f} MB at {MODEL.relative_to(REPO)}")
    print(f"token accuracy: core.xml {token_accuracy(core, MODEL):.3f} (train)  "
          f"gold.xml {token_accuracy(gold, MODEL):.3f} (test)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
