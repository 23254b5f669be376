"""Train the reference-token CRF on AnyStyle core.xml and write citecheck/models/.

Reproduce the committed model with:

    .venv/bin/python benchmarks/train_parser.py

It trains on ../shared/data/parsing/anystyle/core.xml only (gold.xml is the test set and is
never trained on; note that 209 of gold.xml's 1669 references also occur in core.xml), then
prints the token accuracy on both. Field F1 of the parser that uses the model:
benchmarks/extraction.py. Takes about 15 s of CPU; the result is deterministic.
"""

from __future__ import annotations

import sys
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pycrfsuite  # noqa: E402

from citecheck.extract.crf import LABELS, MODEL_NAME, sequence_features  # noqa: E402

ANYSTYLE = REPO.parent / "shared" / "data" / "parsing" / "anystyle"
MODEL = REPO / "citecheck" / "models" / MODEL_NAME
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


def token_accuracy(sequences: list[tuple[list[str], list[str]]], path: Path) -> float:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    right = total = 0
    for words, labels in sequences:
        predicted = tagger.tag(sequence_features(words))
        right += sum(a == b for a, b in zip(predicted, labels, strict=True))
        total += len(labels)
    return right / total


def main() -> int:
    began = time.perf_counter()
    core = load_sequences(ANYSTYLE / "core.xml")
    train(core, MODEL)
    gold = load_sequences(ANYSTYLE / "gold.xml")
    print(f"trained on {len(core)} core.xml sequences in {time.perf_counter() - began:.0f} s; "
          f"model {MODEL.stat().st_size / 1e6:.2f} MB at {MODEL.relative_to(REPO)}")
    print(f"token accuracy: core.xml {token_accuracy(core, MODEL):.3f} (train)  "
          f"gold.xml {token_accuracy(gold, MODEL):.3f} (test)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
