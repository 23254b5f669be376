"""HALLMARK dev in a closed world: detection, false flags, F1, per-type table, calibration.

Index = valid_entries.jsonl + the dev set's VALID entries; every dev entry is
checked once as BibTeX and once rendered as a plain-text reference in a sentence.

    .venv/bin/python benchmarks/hallmark.py [--limit N] [--rebuild]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
import zlib
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from citecheck.config import SourceSpec
from citecheck.index.build import build_index
from citecheck.index.encoders import get_encoder
from citecheck.records import family_name, normalize_text, split_bibtex_authors
from citecheck.verifier import Verifier

from common import ROOT, prf, read_jsonl, shared_file

CACHE = ROOT / "indexes" / "bench-hallmark"


def to_bibtex(entry: dict[str, Any]) -> str:
    fields = entry["fields"]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return f"@{entry.get('bibtex_type') or 'misc'}{{{entry['bibtex_key']},\n{body}\n}}"


def to_text(entry: dict[str, Any]) -> str:
    """A plain-text reference in one of several common styles, inside a sentence."""
    fields = entry["fields"]
    authors = split_bibtex_authors(fields.get("author", ""))
    # BibTeX's "and others" is written "et al." after the names, in every style.
    et_al = bool(authors) and authors[-1] == "et al."
    authors = authors[:-1] if et_al else authors
    title = fields.get("title", "")
    year = fields.get("year", "")
    venue = fields.get("booktitle") or fields.get("journal") or ""
    doi = fields.get("doi")
    style = zlib.crc32(entry["bibtex_key"].encode()) % 4
    if style == 0:  # IEEE / ACM-like
        if et_al:
            names = ", ".join(authors) + ", et al"
        else:
            names = ", ".join(authors[:-1]) + (f", and {authors[-1]}" if len(authors) > 1 else
                                               (authors[0] if authors else ""))
        ref = f"{names}. {title}. " + (f"In {venue}, " if venue else "") + f"{year}."
    elif style == 1:  # APA
        def apa(name: str) -> str:
            family = family_name(name)
            given = name[: len(name) - len(family)].split()
            return f"{family}, " + " ".join(g[0] + "." for g in given if g)
        if et_al:
            names = ", ".join(apa(a) for a in authors) + ", et al."
        else:
            names = ", ".join(apa(a) for a in authors[:-1])
            names = (names + ", & " if names else "") + (apa(authors[-1]) if authors else "")
        ref = f"{names} ({year}). {title}." + (f" {venue}." if venue else "")
    elif style == 2:  # loose LLM style
        lead = (f"{authors[0]} et al." if len(authors) > 2 or (et_al and authors) else
                " and ".join(authors))
        ref = f'{lead}, "{title}", {venue + " " if venue else ""}{year}.'
    else:  # Markdown-ish
        names = ", ".join(authors) + (" et al." if et_al else "")
        ref = f"*{title}* by {names} ({venue + ' ' if venue else ''}{year})."
    if doi:
        ref += f" https://doi.org/{doi}"
    return f"A closely related result is reported in the following work.\n\n{ref}\n"


def build(entries: list[dict[str, Any]], rebuild: bool) -> Path:
    """The closed-world index for this labelled set, cached per set content."""
    valid = [e for e in entries if e["label"] == "VALID"]
    digest = hashlib.sha256(json.dumps(valid, sort_keys=True).encode()).hexdigest()[:12]
    target = CACHE / digest
    if (target / "manifest.json").exists() and not rebuild:
        return target
    with tempfile.TemporaryDirectory() as tmp:
        dev_valid = Path(tmp) / "dev_valid.jsonl"
        dev_valid.write_text("".join(json.dumps(e) + "\n" for e in valid), encoding="utf-8")
        started = time.perf_counter()
        build_index(target, [SourceSpec(shared_file("hallmark", "valid_entries.jsonl"), "hallmark"),
                            SourceSpec(dev_valid, "hallmark")], get_encoder(), complete=True)
        print(f"built closed-world index in {time.perf_counter() - started:.1f}s")
    return target


def _recall_line(truths: list[str], ranked: list[list[str]]) -> str:
    hits = {k: sum(t in ts[:k] for t, ts in zip(truths, ranked, strict=True)) for k in (1, 5, 10)}
    return "  ".join(f"@{k} {hits[k] / len(truths):.3f}" for k in hits)


def retrieval_recall(verifier: Verifier, rows: list[dict[str, Any]]) -> None:
    """Recall@k of each candidate channel and of the fused list, on VALID entries."""
    from citecheck.match import CHANNEL_DEPTH, identifier_hits, query_text, retrieve_many

    index = verifier.index
    queries = [(r["result"].citation.fields, r["result"].citation.text) for r in rows if r["result"]]
    truths = [normalize_text(r["entry"]["fields"]["title"]) for r in rows if r["result"]]
    texts = [query_text(fields, raw) for fields, raw in queries]
    started = time.perf_counter()
    dense = index.vectors.search(index.encoder.encode_batch(texts), CHANNEL_DEPTH)
    dense_time = time.perf_counter() - started
    started = time.perf_counter()
    lexical = [[rid for rid, _ in index.store.search(text, CHANNEL_DEPTH)] for text in texts]
    lexical_time = time.perf_counter() - started
    ids = [identifier_hits(index, fields) for fields, _ in queries]
    fused = [[c.record.id for c in cands] for cands in retrieve_many(index, queries)]
    def ranked(rids: list[int]) -> list[Any]:
        records = index.store.get(rids)
        return [records[rid] for rid in rids if rid in records]

    channels = {
        "identifier": [ranked(r) for r in ids],
        "lexical (FTS5)": [ranked(r) for r in lexical],
        "dense (FAISS)": [ranked([rid for rid, _ in hits]) for hits in dense],
    }
    print(f"\nretrieval recall@k on {len(truths)} VALID citations (both renderings)")
    for name, found in channels.items():
        titles = [[normalize_text(rec.title) for rec in records] for records in found]
        print(f"  {name:<16} {_recall_line(truths, titles)}")
    by_id = {rec.id: normalize_text(rec.title) for _, rec in index.store.iter_records()}
    fused_titles = [[by_id[i] for i in ids_] for ids_ in fused]
    print(f"  {'fused (RRF)':<16} {_recall_line(truths, fused_titles)}")
    print(f"  cost: dense {1000 * dense_time / len(texts):.1f} ms/query (embedding included), "
          f"lexical {1000 * lexical_time / len(texts):.1f} ms/query")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--show", default="", help="print misses of this type (or 'VALID')")
    parser.add_argument("--open-world", action="store_true",
                        help="do not treat the index as complete (uncovered venues/years are "
                             "then unverifiable)")
    parser.add_argument("--dev", type=Path, default=None,
                        help="labelled set to run (default: ../shared/data/hallmark/dev_public.jsonl)")
    args = parser.parse_args()
    entries = read_jsonl(args.dev or shared_file("hallmark", "dev_public.jsonl"))
    index_dir = build(entries, args.rebuild)
    if args.limit:
        entries = entries[: args.limit]
    # The protocol is a closed world: the index holds every real work under test.
    verifier = Verifier.open(index_dir, closed_world=not args.open_world)
    verifier.warm_up()  # the model load is not throughput

    rows = []
    started = time.perf_counter()
    for mode, render in (("bibtex", to_bibtex), ("text", to_text)):
        reports = verifier.verify_many([render(e) for e in entries])
        for entry, report in zip(entries, reports, strict=True):
            main_results = [r for r in report.results if r.citation.kind in ("bibtex", "reference")]
            results = main_results or report.results
            flagged = any(r.flagged for r in results)
            verdict = results[0].verdict if results else "none"
            right = None
            if entry["label"] == "VALID" and results and results[0].record is not None:
                right = (normalize_text(results[0].record.title)
                         == normalize_text(entry["fields"]["title"]))
            rows.append({"mode": mode, "entry": entry, "flagged": flagged, "verdict": verdict,
                         "confidence": results[0].confidence if results else 0.0,
                         "right_record": right, "result": results[0] if results else None})
    elapsed = time.perf_counter() - started

    world = "open" if args.open_world else "closed"
    print(f"HALLMARK dev, {world} world: {len(entries)} entries x 2 renderings, "
          f"index {verifier.index.manifest.count} records, {elapsed:.1f}s "
          f"({2 * len(entries) / elapsed:.0f} refs/s)")
    for mode in ("bibtex", "text", "all"):
        chosen = [r for r in rows if mode == "all" or r["mode"] == mode]
        tp = sum(r["flagged"] for r in chosen if r["entry"]["label"] == "HALLUCINATED")
        fn = sum(not r["flagged"] for r in chosen if r["entry"]["label"] == "HALLUCINATED")
        fp = sum(r["flagged"] for r in chosen if r["entry"]["label"] == "VALID")
        tn = sum(not r["flagged"] for r in chosen if r["entry"]["label"] == "VALID")
        p, rc, f1 = prf(tp, fp, fn)
        print(f"  {mode:<6} detection {rc:.3f} ({tp}/{tp + fn})  false flags {fp / max(1, fp + tn):.3f}"
              f" ({fp}/{fp + tn})  precision {p:.3f}  F1 {f1:.3f}")

    print("\nper hallucination type (detected / total, both renderings)")
    by_type: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        by_type[r["entry"].get("hallucination_type") or "VALID (not flagged)"].append(
            r["flagged"] if r["entry"]["label"] == "HALLUCINATED" else not r["flagged"])
    for name, flags in sorted(by_type.items()):
        print(f"  {name:<26} {sum(flags) / len(flags):.3f}  ({sum(flags)}/{len(flags)})")

    valid_verified = [r for r in rows if r["entry"]["label"] == "VALID" and r["verdict"] == "verified"]
    right = sum(1 for r in valid_verified if r["right_record"])
    print(f"\nverified VALID entries matched to the right record: {right}/{len(valid_verified)}")
    print("verdicts:", dict(Counter((r["entry"]["label"], r["verdict"]) for r in rows)))

    print("\ncalibration (confidence bin: share of verdicts that are correct, count)")
    bins: dict[int, list[bool]] = defaultdict(list)
    for r in rows:
        if r["verdict"] in ("verified", "mismatch", "not_found"):
            correct = r["flagged"] == (r["entry"]["label"] == "HALLUCINATED")
            bins[min(9, int(r["confidence"] * 10))].append(correct)
    for b in sorted(bins):
        print(f"  [{b / 10:.1f}, {(b + 1) / 10:.1f})  {sum(bins[b]) / len(bins[b]):.3f}  "
              f"(n={len(bins[b])})")

    retrieval_recall(verifier, [r for r in rows if r["entry"]["label"] == "VALID"])

    if args.show:
        for r in rows:
            kind = r["entry"].get("hallucination_type") or "VALID"
            miss = r["flagged"] != (r["entry"]["label"] == "HALLUCINATED")
            if kind == args.show and miss:
                res = r["result"]
                print("\n--", r["mode"], r["verdict"], json.dumps(r["entry"]["fields"])[:300])
                if res is not None:
                    print("   parsed:", res.citation.fields.to_dict())
                    print("   record:", res.record and res.record.title, res.record and
                          (res.record.venue, res.record.year, res.record.doi))
                    print("   mism:", [m.to_dict() for m in res.mismatches], res.reason)


if __name__ == "__main__":
    main()
