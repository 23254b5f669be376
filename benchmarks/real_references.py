"""False accusations on real references: every reference here is real and correctly cited.

Two sets, checked against the default index as a user would check them:

- AnyStyle's reference strings (``core.xml`` for development, ``gold.xml`` for reported
  figures): references copied from real papers' bibliographies, in many styles and fields.
  Most are not in the index (open world), so ``unverifiable`` is the right answer for them;
  whatever is flagged (``not_found`` or ``mismatch``) is a possible false accusation and is
  listed for reading.
- Real corpus records (ACL Anthology, accepted-paper lists, arXiv listings), a random draw
  of ``--records`` from each file, written in the styles of ``benchmarks/styles.py``.
  Every one is in the index, so a flagged one is a false accusation made by parsing or
  comparing, or by a record that disagrees with its other versions. ``--seed`` draws
  another sample; seed 11 is the one the parser and verdict were mended on, so report
  another.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/real_references.py [--records 200]
        [--seed 23] [--anystyle gold|core|both|none] [--show 10] [--styles apa7,ieee]
        [--csl common|sample:N[@tune|@report]] [--rows ROWS.jsonl]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extraction import load_anystyle
from styles import STYLES

from citecheck import Verifier
from citecheck.verdict import CitationResult

from common import shared_file

CORPUS_FILES = ("paperlists_accepted.jsonl.gz", "acl_anthology.jsonl.gz", "daily_arxiv.jsonl.gz")
CHUNK = 100


def flagged_results(verifier: Verifier, texts: list[str]) -> list[list[CitationResult]]:
    """Each text's results, verified in chunks as a batch would."""
    results = []
    for start in range(0, len(texts), CHUNK):
        results += [report.results for report in verifier.verify_many(texts[start:start + CHUNK])]
    return results


def describe(result: CitationResult) -> str:
    wrong = "; ".join(f"{m.field}: {m.cited!r} (record: {m.expected!r})"
                      for m in result.mismatches) or result.reason or ""
    return f"{result.verdict}: {wrong}"[:300]


def anystyle(verifier: Verifier, name: str, show: int) -> None:
    texts = [text for text, _ in load_anystyle(shared_file("parsing", "anystyle", name))]
    verdicts: Counter[str] = Counter()
    flagged = []
    for text, results in zip(texts, flagged_results(verifier, texts), strict=True):
        for result in results:
            verdicts[result.verdict] += 1
            if result.flagged:
                flagged.append((text, result))
    print(f"\nAnyStyle {name}: {len(texts)} real references, {sum(verdicts.values())} citations "
          f"found in them")
    print("  " + ", ".join(f"{verdict} {count}" for verdict, count in verdicts.most_common()))
    print(f"  flagged (possible false accusations): {len(flagged)}")
    for text, result in flagged[:show]:
        print(f"    {text[:160]}\n      -> {describe(result)}")


def corpus_sample(per_file: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    chosen = []
    for name in CORPUS_FILES:
        with gzip.open(shared_file("corpus", name), "rt", encoding="utf-8") as handle:
            records = [r for r in map(json.loads, handle) if r.get("authors")]
        chosen += rng.sample(records, per_file)
    return chosen


def as_fields(record: dict[str, object]) -> dict[str, str]:
    """A corpus record as the BibTeX-like fields the style renderers print."""
    fields = {"author": " and ".join(record["authors"]),  # type: ignore[arg-type]
              "title": str(record["title"]), "year": str(record["year"]),
              "booktitle": str(record["venue"])}
    if record.get("doi"):
        fields["doi"] = str(record["doi"])
    if record.get("arxiv"):
        fields["eprint"] = str(record["arxiv"])  # (printed by the CSL styles' preprints)
    return fields


def rendered_records(verifier: Verifier, per_file: int, seed: int, show: int,
                     styles: dict[str, Callable[[dict[str, str]], str]],
                     rows: TextIO | None = None) -> None:
    records = corpus_sample(per_file, seed)
    print(f"\nReal corpus records written in {len(styles)} styles: {len(records)} records "
          f"({per_file} from each of {len(CORPUS_FILES)} files, seed {seed})")
    print(f"  {'style':22s} verified  unverifiable  flagged  (no citation found)")
    total: Counter[str] = Counter()
    shown = 0
    for style, render in styles.items():
        texts = [render(as_fields(record)) for record in records]
        counts: Counter[str] = Counter()
        for record, text, results in zip(records, texts, flagged_results(verifier, texts),
                                         strict=True):
            if not results:
                counts["none"] += 1
                if rows is not None:
                    rows.write(json.dumps({"style": style, "record": record["id"], "text": text,
                                           "verdict": None, "flagged": False}) + "\n")
                continue
            # The reference's own verdict: the entry, not a DOI or URL inside it.
            result = max(results, key=lambda r: len(r.citation.text))
            counts["flagged" if result.flagged else result.verdict] += 1
            if rows is not None:
                rows.write(json.dumps({"style": style, "record": record["id"], "text": text,
                                       "verdict": result.verdict,
                                       "flagged": result.flagged,
                                       "why": describe(result)}) + "\n")
            if result.flagged and shown < show:
                shown += 1
                print(f"    [{style}] {text[:150]!r}\n      -> {describe(result)}")
        total.update(counts)
        print(f"  {style:22s} {counts['verified']:8d}  {counts['unverifiable']:12d}  "
              f"{counts['flagged']:7d}  {counts['none']:6d}")
    renderings = sum(total.values())
    print(f"  {'all':22s} {total['verified']:8d}  {total['unverifiable']:12d}  "
          f"{total['flagged']:7d}  {total['none']:6d}   false accusations: "
          f"{total['flagged']}/{renderings} = {total['flagged'] / renderings:.2%}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=200, help="records drawn from each file")
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--anystyle", choices=("gold", "core", "both", "none"), default="gold")
    parser.add_argument("--show", type=int, default=10, help="flagged examples printed")
    parser.add_argument("--styles", default="", help="comma-separated styles (default: all)")
    parser.add_argument("--csl", default="",
                        help="CSL styles instead (benchmarks/csl.py): 'common', "
                             "'sample:N[:SEED]' or a,b,c, '@tune'/'@report' for one half")
    parser.add_argument("--rows", type=Path, default=None,
                        help="write each rendering's verdict here (JSONL), to diff two runs")
    args = parser.parse_args()
    styles = ({name: STYLES[name] for name in args.styles.split(",")} if args.styles
              else STYLES)
    if args.csl:
        from csl import renderers as csl_renderers

        styles = csl_renderers(args.csl)
    with Verifier.open() as verifier:
        for name in {"gold": ["gold.xml"], "core": ["core.xml"], "both": ["core.xml", "gold.xml"],
                     "none": []}[args.anystyle]:
            anystyle(verifier, name, args.show)
        if args.records:
            with open(args.rows, "w", encoding="utf-8") if args.rows else nullcontext() as rows:
                rendered_records(verifier, args.records, args.seed, args.show, styles, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
