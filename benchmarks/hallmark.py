"""HALLMARK dev: detection, false flags, F1, verdict mix, per-type table, calibration.

Headline: the open world, as a user meets it: index = the default index (the real
340 k-record corpus + HALLMARK's valid_entries.jsonl), nothing of the dev set added.
Upper bound: the closed world of HALLMARK's protocol (index = valid_entries.jsonl + the
dev set's VALID entries, declared complete). Every entry is checked as BibTeX and as a
plain-text reference in a sentence, and with --styles in each development style.
Dev is split in two halves by key: "tune" (thresholds were tuned on it) and "report".

    .venv/bin/python benchmarks/hallmark.py [--world open|closed|both] [--styles all]
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
from citecheck.records import family_name, normalize_text, split_bibtex_authors, title_key
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


HALVES = ("tune", "report")


def half_of(entry: dict[str, Any]) -> str:
    """Dev is split in two by key: thresholds are tuned on one half, figures reported on the other."""
    return HALVES[zlib.crc32(entry["bibtex_key"].encode()) % 2]


def renderers(styles: str, csl: str = "") -> dict[str, Any]:
    """BibTeX and the plain-text sentence always; the development styles and CSL styles
    (benchmarks/csl.py) on request."""
    chosen: dict[str, Any] = {"bibtex": to_bibtex, "text": to_text}
    if styles:
        from styles import STYLES

        names = list(STYLES) if styles == "all" else styles.split(",")
        chosen.update({f"style:{name}": STYLES[name] for name in names})
    if csl:
        from csl import renderers as csl_renderers

        chosen.update(csl_renderers(csl))
    return chosen


def _render(render: Any, entry: dict[str, Any]) -> str:
    # The style renderers take the fields dict; the BibTeX/text ones the whole entry.
    return render(entry["fields"]) if render.__module__ in ("styles", "csl") else render(entry)


# The field each hallucination type corrupts, where a rendering can leave it out.
DOI_ERRORS = frozenset({"fabricated_doi"})
AUTHOR_ERRORS = frozenset({"partial_author_list", "swapped_authors", "placeholder_authors"})


def error_printed(entry: dict[str, Any], text: str) -> bool:
    """Whether a rendering still prints what makes the entry a hallucination.

    A style without DOIs drops a fabricated DOI, and "et al." drops the authors a
    partial or swapped list gets wrong: such a rendering cites the real work correctly,
    so no checker can (or should) flag it. Only the DOI and author-list types can lose
    their error this way; every other type keeps it in the title, venue or year.
    """
    kind = entry.get("hallucination_type")
    fields = entry["fields"]
    printed = normalize_text(text)
    if kind in DOI_ERRORS:
        return bool(fields.get("doi")) and fields["doi"].lower() in text.lower()
    if kind in AUTHOR_ERRORS:
        families = [normalize_text(family_name(a))
                    for a in split_bibtex_authors(fields.get("author", ""))]
        return all(f in printed for f in families if f)
    return True


def check(verifier: Verifier, entries: list[dict[str, Any]],
          renderings: dict[str, Any]) -> tuple[list[dict[str, Any]], float]:
    """Verify every entry in every rendering: one row per (entry, rendering)."""
    rows = []
    started = time.perf_counter()
    for mode, render in renderings.items():
        texts = [_render(render, e) for e in entries]
        reports = verifier.verify_many(texts)
        for entry, text, report in zip(entries, texts, reports, strict=True):
            main_results = [r for r in report.results if r.citation.kind in ("bibtex", "reference")]
            results = main_results or report.results
            flagged = any(r.flagged for r in results)
            verdict = results[0].verdict if results else "none"
            right = None
            if entry["label"] == "VALID" and results and results[0].record is not None:
                right = title_key(results[0].record.title) == title_key(entry["fields"]["title"])
            rows.append({"mode": mode, "entry": entry, "flagged": flagged, "verdict": verdict,
                         "half": half_of(entry), "error_printed": error_printed(entry, text),
                         "confidence": results[0].confidence if results else 0.0,
                         "right_record": right, "result": results[0] if results else None})
    return rows, time.perf_counter() - started


def scores(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Detection, false flags, precision, F1 and the verdict mix on VALID entries, with counts."""
    hallucinated = [r for r in rows if r["entry"]["label"] == "HALLUCINATED"]
    valid = [r for r in rows if r["entry"]["label"] == "VALID"]
    tp = sum(r["flagged"] for r in hallucinated)
    fp = sum(r["flagged"] for r in valid)
    p, rc, f1 = prf(tp, fp, len(hallucinated) - tp)
    mix = Counter("flagged" if r["flagged"] else r["verdict"] for r in valid)
    return {"tp": tp, "hallucinated": len(hallucinated), "fp": fp, "valid": len(valid),
            "detection": rc, "false_flags": fp / max(1, len(valid)), "precision": p, "f1": f1,
            "valid_mix": {k: mix.get(k, 0) for k in ("verified", "unverifiable", "flagged")}}


def score_line(name: str, s: dict[str, Any]) -> str:
    mix = s["valid_mix"]
    return (f"  {name:<24} F1 {s['f1']:.3f}  detection {s['detection']:.3f} "
            f"({s['tp']}/{s['hallucinated']})  false flags {s['false_flags']:.3f} "
            f"({s['fp']}/{s['valid']})  precision {s['precision']:.3f}  VALID: "
            f"{mix['verified']} verified / {mix['unverifiable']} unverifiable / "
            f"{mix['flagged']} flagged")


def evaluate(index_dir: Path, entries: list[dict[str, Any]], *, closed_world: bool,
             styles: str = "") -> dict[str, Any]:
    """Scores of one index on a labelled set, per rendering and half (for other benchmarks)."""
    verifier = Verifier.open(index_dir, closed_world=closed_world)
    try:
        rows, elapsed = check(verifier, entries, renderers(styles))
    finally:
        verifier.close()
    result: dict[str, Any] = {"elapsed": elapsed, "rows": len(rows)}
    for mode in [*sorted({r["mode"] for r in rows}), "all"]:
        for half in (*HALVES, "all"):
            chosen = [r for r in rows if (mode == "all" or r["mode"] == mode)
                      and (half == "all" or r["half"] == half)]
            result[f"{mode}/{half}"] = scores(chosen)
    return result


def report_world(world: str, verifier: Verifier, entries: list[dict[str, Any]],
                 renderings: dict[str, Any], show: str, recall: bool,
                 rows_path: Path | None = None) -> dict[str, Any]:
    rows, elapsed = check(verifier, entries, renderings)
    print(f"\n=== HALLMARK dev, {world} world: {len(entries)} entries x {len(renderings)} "
          f"renderings, index {verifier.index.manifest.count} records, {elapsed:.1f}s "
          f"({len(rows) / elapsed:.0f} refs/s)")
    figures: dict[str, Any] = {}
    for half in ("report", "tune", "all"):
        label = {"report": "report half (held out from tuning)", "tune": "tune half (tuned on)",
                 "all": "whole dev set"}[half]
        print(f"\n{label}")
        in_half = [r for r in rows if half == "all" or r["half"] == half]
        for mode in [*renderings, "all"]:
            chosen = [r for r in in_half if mode == "all" or r["mode"] == mode]
            figures[f"{mode}/{half}"] = scores(chosen)
            print(score_line(mode, figures[f"{mode}/{half}"]))

    print("\nper hallucination type, whole dev set (detected / total, all renderings)")
    by_type: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        by_type[r["entry"].get("hallucination_type") or "VALID (not flagged)"].append(
            r["flagged"] if r["entry"]["label"] == "HALLUCINATED" else not r["flagged"])
    for name, flags in sorted(by_type.items()):
        print(f"  {name:<26} {sum(flags) / len(flags):.3f}  ({sum(flags)}/{len(flags)})")

    if len(renderings) > 2:
        _lost_against_bibtex(rows)
        figures["where_printed"] = _detection_where_printed(rows)

    valid_verified = [r for r in rows if r["entry"]["label"] == "VALID" and r["verdict"] == "verified"]
    right = sum(1 for r in valid_verified if r["right_record"])
    print(f"\nverified VALID entries matched to the right record: {right}/{len(valid_verified)}")
    reasons = Counter(_reason_kind(r["result"]) for r in rows
                      if r["entry"]["label"] == "VALID" and r["verdict"] == "unverifiable")
    print("why VALID entries are unverifiable:", dict(reasons.most_common(8)))

    print("\ncalibration (confidence bin: share of verdicts that are correct, count)")
    bins: dict[int, list[bool]] = defaultdict(list)
    for r in rows:
        if r["verdict"] in ("verified", "mismatch", "not_found"):
            correct = r["flagged"] == (r["entry"]["label"] == "HALLUCINATED")
            bins[min(9, int(r["confidence"] * 10))].append(correct)
    for b in sorted(bins):
        print(f"  [{b / 10:.1f}, {(b + 1) / 10:.1f})  {sum(bins[b]) / len(bins[b]):.3f}  "
              f"(n={len(bins[b])})")
    if recall:
        retrieval_recall(verifier, [r for r in rows if r["entry"]["label"] == "VALID"
                                    and r["mode"] in ("bibtex", "text")])
    if show:
        _show(rows, show)
    if rows_path is not None:
        write_rows(rows, rows_path)
    return figures


def _detection_where_printed(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per rendering, detection on the hallucinations whose error it prints, beside
    BibTeX's on the same entries (issue 12's "within 0.03 of BibTeX", like for like)."""
    bibtex = {(r["entry"]["bibtex_key"]): r["flagged"] for r in rows if r["mode"] == "bibtex"}
    figures: dict[str, Any] = {}
    print("\ndetection on the hallucinations whose error the rendering prints "
          "(report half; whole set), BibTeX on the same entries, and how many it leaves out")
    for mode in dict.fromkeys(r["mode"] for r in rows):
        parts = []
        for half in ("report", "all"):
            chosen = [r for r in rows if r["mode"] == mode and r["entry"]["label"] == "HALLUCINATED"
                      and (half == "all" or r["half"] == half)]
            kept = [r for r in chosen if r["error_printed"]]
            tp = sum(r["flagged"] for r in kept)
            bib = sum(bibtex[r["entry"]["bibtex_key"]] for r in kept)
            n = max(1, len(kept))
            figures[f"{mode}/{half}"] = {"tp": tp, "n": len(kept), "bibtex_tp": bib,
                                         "left_out": len(chosen) - len(kept)}
            parts.append(f"{tp / n:.3f} ({tp}/{len(kept)}) vs BibTeX {bib / n:.3f}, "
                         f"gap {(bib - tp) / n:+.3f}, {len(chosen) - len(kept)} left out")
        print(f"  {mode:<26} " + "; ".join(parts))
    return figures


def _lost_against_bibtex(rows: list[dict[str, Any]]) -> None:
    """Per rendering and half, the hallucinations BibTeX catches and it misses, by type:
    what a style leaves out (a DOI, authors after "et al.") shows up here as a type."""
    caught = {(r["entry"]["bibtex_key"], r["half"]) for r in rows
              if r["mode"] == "bibtex" and r["flagged"] and r["entry"]["label"] == "HALLUCINATED"}
    print("\nhallucinations BibTeX catches and a rendering misses, per half (tune / report), by type")
    for mode in dict.fromkeys(r["mode"] for r in rows if r["mode"] != "bibtex"):
        lost: dict[str, Counter[str]] = {half: Counter() for half in HALVES}
        for r in rows:
            if r["mode"] == mode and not r["flagged"] \
                    and (r["entry"]["bibtex_key"], r["half"]) in caught:
                lost[r["half"]][r["entry"]["hallucination_type"]] += 1
        line = "; ".join(f"{half} {sum(lost[half].values())}"
                         + (f" ({', '.join(f'{k} {v}' for k, v in lost[half].most_common())})"
                            if lost[half] else "") for half in HALVES)
        print(f"  {mode:<26} {line}")


def write_rows(rows: list[dict[str, Any]], path: Path) -> None:
    """One line per (entry, rendering): what was cited, parsed, matched and concluded."""
    with path.open("w", encoding="utf-8") as out:
        for r in rows:
            res = r["result"]
            line = {"mode": r["mode"], "key": r["entry"]["bibtex_key"], "half": r["half"],
                    "type": r["entry"].get("hallucination_type") or "VALID",
                    "flagged": r["flagged"], "verdict": r["verdict"],
                    "error_printed": r["error_printed"]}
            if res is not None:
                line.update(text=res.citation.text, parsed=res.citation.fields.to_dict(),
                            record=res.record and [res.record.title, res.record.venue,
                                                   res.record.year, res.record.doi],
                            reason=res.reason, mismatches=[m.to_dict() for m in res.mismatches])
            out.write(json.dumps(line, default=str) + "\n")


def _reason_kind(result: Any) -> str:
    reason = (result.reason if result is not None else None) or "none"
    return reason.split(":")[0][:60]


def _show(rows: list[dict[str, Any]], show: str) -> None:
    for r in rows:
        kind = r["entry"].get("hallucination_type") or "VALID"
        miss = r["flagged"] != (r["entry"]["label"] == "HALLUCINATED")
        if kind == show and miss:
            res = r["result"]
            print("\n--", r["mode"], r["verdict"], json.dumps(r["entry"]["fields"])[:300])
            if res is not None:
                print("   text:", res.citation.text[:300].replace("\n", " "))
                print("   parsed:", res.citation.fields.to_dict())
                print("   record:", res.record and res.record.title, res.record and
                      (res.record.venue, res.record.year, res.record.doi))
                print("   mism:", [m.to_dict() for m in res.mismatches], res.reason)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--world", choices=("open", "closed", "both"), default="both")
    parser.add_argument("--index", type=Path, default=None,
                        help="open-world index (default: the default index, built if needed)")
    parser.add_argument("--styles", default="",
                        help="also render in these benchmarks/styles.py styles ('all' or a,b,c)")
    parser.add_argument("--csl", default="",
                        help="also render in CSL styles: 'common', 'sample:N[:SEED]' or a,b,c, "
                             "'@tune'/'@report' for one half of them (needs the bench extra)")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--half", choices=(*HALVES, "all"), default="all",
                        help="check only this half of dev (tune on 'tune', never on 'report')")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the closed-world index")
    parser.add_argument("--recall", action="store_true", help="also measure retrieval recall")
    parser.add_argument("--show", default="", help="print misses of this type (or 'VALID')")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--rows", type=Path, default=None,
                        help="write one JSON line per (entry, rendering) here, for diffing runs")
    parser.add_argument("--dev", type=Path, default=None,
                        help="labelled set to run (default: ../shared/data/hallmark/dev_public.jsonl)")
    args = parser.parse_args()
    entries = read_jsonl(args.dev or shared_file("hallmark", "dev_public.jsonl"))
    closed_index = build(entries, args.rebuild) if args.world != "open" else None
    if args.half != "all":
        entries = [e for e in entries if half_of(e) == args.half]
    if args.limit:
        entries = entries[: args.limit]
    renderings = renderers(args.styles, args.csl)
    figures: dict[str, Any] = {}
    if args.world in ("open", "both"):
        # What a user sees: the default index, nothing of the checked set added.
        if args.index is None:
            from citecheck.index.default import ensure_default_index

            started = time.perf_counter()
            open_index, why = ensure_default_index()
            if why:
                print(f"built the default index ({why}) in {time.perf_counter() - started:.0f}s")
        else:
            open_index = args.index
        verifier = Verifier.open(open_index)
        figures["open"] = report_world("open (headline)", verifier, entries, renderings,
                                       args.show, args.recall, args.rows)
        verifier.close()
    if closed_index is not None:
        # The benchmark's protocol: its VALID entries added, the index declared complete.
        verifier = Verifier.open(closed_index, closed_world=True)
        # (Its rows, with --rows, go beside the open world's: ROWS with ".closed" before
        # the suffix.)
        closed_rows = args.rows.with_suffix(".closed" + args.rows.suffix) if args.rows else None
        figures["closed"] = report_world("closed (upper bound: dev's VALID entries indexed)",
                                         verifier, entries, renderings, args.show, args.recall,
                                         closed_rows)
        verifier.close()
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
