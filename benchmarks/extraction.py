"""Extraction benchmark: span precision/recall on tests/data/answers, field F1 on AnyStyle."""

from __future__ import annotations

import json
import re
import sys
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from citecheck.extract import extract  # noqa: E402
from citecheck.extract.names import parse_names  # noqa: E402
from citecheck.extract.references import parse_reference  # noqa: E402
from citecheck.records import family_name, normalize_text, parse_year  # noqa: E402

ANSWERS = REPO / "tests" / "data" / "answers"
ANYSTYLE = REPO.parent / "shared" / "data" / "parsing" / "anystyle"
# Kinds that count as the same family of span: an in-text mention found as "title" or
# "inline" is one mention either way; a reference entry must be found as a reference.
KIND_GROUPS = {"reference": "entry", "bibtex": "entry", "inline": "intext", "title": "intext",
               "doi": "id", "arxiv": "id", "url": "id", "isbn": "id", "pmid": "id"}
TITLE_SIMILARITY = 90  # rapidfuzz ratio on normalised titles; tolerates OCR hyphenation noise
SPAN_OVERLAP = 0.8  # a predicted span matches gold when it covers >= 80 % of both
FIELD_TARGETS = {"title": 0.92, "authors": 0.92, "year": 0.92}  # issue 3
SPAN_TARGETS = {"recall": 0.97, "precision": 0.95}  # issue 3


@dataclass
class FieldCounts:
    """True positives, false positives and false negatives of one field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    def f1(self) -> float:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def add(self, gold: object, predicted: object, same: bool, example: str) -> None:
        if gold and predicted and same:
            self.tp += 1
            return
        if predicted:
            self.fp += 1
        if gold:
            self.fn += 1
        if len(self.misses) < 400:
            self.misses.append(f"gold={gold!r} got={predicted!r}\n      {example}")


def _clean_title(text: str) -> str:
    return normalize_text(text.strip().strip("\"“”«»'‘’ ,.;:"))


def titles_match(gold: str, predicted: str) -> bool:
    gold_norm, predicted_norm = _clean_title(gold), _clean_title(predicted)
    return gold_norm == predicted_norm or fuzz.ratio(gold_norm, predicted_norm) >= TITLE_SIMILARITY


def family_names(names: list[str]) -> set[str]:
    return {normalize_text(family_name(name)) for name in names if family_name(name)}


def load_anystyle(path: Path) -> list[tuple[str, dict[str, str]]]:
    """(raw reference string, {tag: text}) for each <sequence>."""
    sequences = []
    for sequence in ElementTree.parse(path).getroot():
        parts, tags = [], {}
        for child in sequence:
            text = " ".join((child.text or "").split())
            parts.append(text)
            tags.setdefault(child.tag, text)
        sequences.append((" ".join(p for p in parts if p), tags))
    return sequences


def _venue_text(venue: str) -> str:
    """A venue without the markup and the "In"/"In:" that AnyStyle tags with it."""
    venue = re.sub(r"<[^<>]{1,40}>", "", venue)
    venue = re.sub(r"^\s*(?:[Ii]n|[Ii]m|[Dd]ans)\b:?\s+", "", venue)
    return normalize_text(venue.strip(" .,;:"))


def same_venue(gold: str, predicted: str) -> bool:
    """Venues agree when their normalised texts are equal (no partial credit: a venue cut
    short or run on into the pages is wrong)."""
    return _venue_text(gold) == _venue_text(predicted)


def field_scores(path: Path, exclude: frozenset[str] = frozenset()) -> dict[str, FieldCounts]:
    """Field counts over the references of ``path`` whose raw text is not in ``exclude``."""
    scores = {name: FieldCounts() for name in ("title", "authors", "year", "venue")}
    for raw, tags in load_anystyle(path):
        if normalize_text(raw) in exclude:
            continue
        parsed = parse_reference(raw)
        gold_title = tags.get("title")
        scores["title"].add(gold_title, parsed.title,
                            bool(gold_title and parsed.title and titles_match(gold_title,
                                                                               parsed.title)), raw)
        gold_year = parse_year(tags.get("date"))
        scores["year"].add(gold_year, parsed.year, gold_year == parsed.year, raw)
        gold_venue = tags.get("journal") or tags.get("container-title")
        venue_same = bool(gold_venue and parsed.venue and same_venue(gold_venue, parsed.venue))
        scores["venue"].add(gold_venue, parsed.venue, venue_same, raw)
        gold_names = family_names(parse_names(tags.get("author", ""))[0])
        predicted_names = family_names(parsed.authors)
        counts = scores["authors"]
        hits = len(gold_names & predicted_names)
        counts.tp += hits
        counts.fp += len(predicted_names) - hits
        counts.fn += len(gold_names) - hits
        if gold_names != predicted_names and len(counts.misses) < 400:
            counts.misses.append(f"gold={sorted(gold_names)} got={sorted(predicted_names)}\n"
                                 f"      {raw}")
    return scores


@dataclass
class GoldSpan:
    """One hand-labelled citation of an answer file."""

    start: int
    end: int
    kind: str


def load_answer(path: Path) -> tuple[str, list[GoldSpan]]:
    text = path.read_text(encoding="utf-8")
    gold = []
    for item in json.loads(path.with_suffix(".json").read_text(encoding="utf-8")):
        start = text.find(item["text"])
        if start < 0:
            raise ValueError(f"{path.name}: gold span not in text: {item['text']!r}")
        # Gold texts that occur several times list an occurrence number (0-based).
        for _ in range(item.get("occurrence", 0)):
            start = text.find(item["text"], start + 1)
        gold.append(GoldSpan(start, start + len(item["text"]), item["kind"]))
    return text, gold


def _same_span(a: tuple[int, int], b: tuple[int, int]) -> bool:
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    return overlap > 0 and overlap >= SPAN_OVERLAP * max(a[1] - a[0], b[1] - b[0])


def span_scores() -> tuple[int, int, int, list[str], float]:
    """(true positives, predicted, gold, what fell short, worst ms per answer)."""
    tp = predicted_total = gold_total = 0
    problems: list[str] = []
    slowest = 0.0
    for path in sorted(ANSWERS.glob("*.md")) + sorted(ANSWERS.glob("*.txt")) + \
            sorted(ANSWERS.glob("*.tex")) + sorted(ANSWERS.glob("*.bib")) + \
            sorted(ANSWERS.glob("*.html")):
        text, gold = load_answer(path)
        extract(text)  # warm-up: the first call pays for lazy imports (bibtexparser, pylatexenc)
        began = time.perf_counter()
        citations = extract(text)
        slowest = max(slowest, (time.perf_counter() - began) * 1000)
        predicted_total += len(citations)
        gold_total += len(gold)
        matched: set[int] = set()
        for item in gold:
            hit = next((i for i, c in enumerate(citations) if i not in matched
                        and KIND_GROUPS[c.kind] == KIND_GROUPS[item.kind]
                        and _same_span(c.span, (item.start, item.end))), None)
            if hit is None:
                problems.append(f"MISSED {path.name} [{item.kind}] "
                                f"{text[item.start:item.end][:110]!r}")
            else:
                matched.add(hit)
                tp += 1
        for index, citation in enumerate(citations):
            if index not in matched:
                problems.append(f"SPURIOUS {path.name} [{citation.kind}] {citation.text[:110]!r}")
    return tp, predicted_total, gold_total, problems, slowest


def main() -> int:
    verbose = "-v" in sys.argv
    tp, predicted, gold, problems, slowest = span_scores()
    print("Span detection on tests/data/answers (a predicted span matches a gold span of the")
    print(f"same kind group when they overlap by >= {SPAN_OVERLAP:.0%} of the longer one):")
    print(f"  precision {tp / max(predicted, 1):.3f} ({tp}/{predicted})   "
          f"recall {tp / max(gold, 1):.3f} ({tp}/{gold})   slowest answer {slowest:.1f} ms (warm)")
    for line in problems:
        print("  " + line)
    if tp / max(gold, 1) < SPAN_TARGETS["recall"] or tp / max(predicted, 1) < \
            SPAN_TARGETS["precision"]:
        print(f"  SHORT of span targets {SPAN_TARGETS}")
    if not ANYSTYLE.is_dir():
        print(f"\nAnyStyle data not found at {ANYSTYLE}: field F1 skipped.")
        return 0
    print("\nField F1 of parse_reference on AnyStyle references. Definitions: title = normalised")
    print(f"exact match or rapidfuzz ratio >= {TITLE_SIMILARITY}; authors = micro F1 over sets of")
    print("normalised family names (gold names from the tagged <author> field split by the same")
    print("name splitter); year = exact; venue = journal/container-title, exact match after")
    print("normalisation. The CRF was trained on core.xml: gold.xml references that also occur")
    print("in core.xml are left out of the held-out figure.")
    training = frozenset(normalize_text(raw) for raw, _ in load_anystyle(ANYSTYLE / "core.xml"))
    gold = [raw for raw, _ in load_anystyle(ANYSTYLE / "gold.xml")]
    overlap = sum(1 for raw in gold if normalize_text(raw) in training)
    for name, label, exclude in (("gold", f"gold.xml held out ({len(gold) - overlap} of "
                                          f"{len(gold)}; {overlap} also in core.xml)", training),
                                 ("gold", "gold.xml (all)", frozenset()),
                                 ("core", "core.xml (training data)", frozenset())):
        path = ANYSTYLE / f"{name}.xml"
        scores = field_scores(path, exclude)
        summary = "  ".join(f"{key} {c.f1():.3f} (tp {c.tp} fp {c.fp} fn {c.fn})"
                            for key, c in scores.items())
        print(f"  {label}: {summary}")
        for key, target in FIELD_TARGETS.items():
            if scores[key].f1() < target:
                print(f"    SHORT of target: {key} F1 {scores[key].f1():.3f} < {target} "
                      "(run with -v to list the misses)")
        if verbose:
            for key, counts in scores.items():
                for miss in counts.misses[:60]:
                    print(f"    {key}: {miss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
