"""Scale benchmark: build rate, memory, size, latency, ANN recall and references/s at 100 k-1 M.

The corpus is the first N records of a real dump when one is under ../shared/data
(DBLP XML, the arXiv snapshot, OpenAlex or Crossref files, ACL Anthology XML: see
``find_real_dump``) or given with ``--dump``; otherwise the real 340 k-record corpus of
../shared/data/corpus (the default index's), topped up above its size with synthetic
records (titles, names, venues and years recombined from real fields), labelled as such.
The encoder is the default index's unless --encoder names another.
Every figure is compared with the naive baseline, a rapidfuzz scan over all titles.
Each size runs in its own subprocess so peak-RSS figures stay separate.

    .venv/bin/python benchmarks/scale.py [--sizes 100000,1000000] [--encoder static] [--dump PATH]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from citecheck.records import family_name, split_bibtex_authors

from common import SHARED, read_jsonl

_YEAR = re.compile(r"\b(19[5-9]\d|20[0-2]\d)\b")
_AUTHOR_SPLIT = re.compile(r",\s*(?:&|and)\s+|\s+(?:&|and)\s+|;\s*")
_STRIP = " .,;:()[]"


@dataclass
class FieldPool:
    """Real titles, given/family names, venues and years to recombine."""

    titles: list[list[str]] = field(default_factory=list)
    givens: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=list)
    venues: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    def add_name(self, name: str) -> None:
        family = family_name(name)
        given = name[: len(name) - len(family)].strip(_STRIP) if name.endswith(family) else ""
        if len(family) > 1 and not family.endswith("."):
            self.families.append(family)
        # Keep given names with at least one spelled-out part, as most references have.
        if any(len(part.strip(".")) > 1 for part in given.split()):
            self.givens.append(given)


def load_pool() -> FieldPool:
    """Fields of HALLMARK's valid records and the AnyStyle references (real data, recombined)."""
    pool = FieldPool()
    hallmark = SHARED / "hallmark"
    for name in ("valid_entries.jsonl", "dev_public.jsonl"):
        for entry in read_jsonl(hallmark / name):
            if entry.get("label") != "VALID":
                continue
            fields = entry["fields"]
            pool.titles.append(fields["title"].split())
            for author in split_bibtex_authors(fields.get("author", "")):
                pool.add_name(author)
            venue = fields.get("booktitle") or fields.get("journal")
            if venue:
                pool.venues.append(venue)
            if str(fields.get("year", "")).isdigit():
                pool.years.append(int(fields["year"]))
    for name in ("core.xml", "gold.xml"):
        path = SHARED / "parsing" / "anystyle" / name
        if not path.is_file():
            continue
        for sequence in ElementTree.parse(path).getroot().iter("sequence"):
            for element in sequence:
                text = " ".join((element.text or "").split()).strip(_STRIP)
                if not text:
                    continue
                if element.tag == "title" and len(text.split()) >= 3:
                    pool.titles.append(text.split())
                elif element.tag in ("container-title", "journal") and len(text) > 3:
                    pool.venues.append(text)
                elif element.tag == "date" and _YEAR.search(text):
                    pool.years.append(int(_YEAR.search(text).group(1)))  # type: ignore[union-attr]
                elif element.tag == "author":
                    for part in _AUTHOR_SPLIT.split(text):
                        part = part.strip(_STRIP)
                        if " " in part and len(part) < 40:
                            pool.add_name(part if "," not in part else
                                          " ".join(reversed(part.split(",", 1))))
    return pool


def _title(rng: random.Random, pool: FieldPool) -> str:
    # Head of one real title + tail of another: plausible and almost always new.
    head, tail = rng.choice(pool.titles), rng.choice(pool.titles)
    cut_head = rng.randint(1, max(1, len(head) - 1))
    cut_tail = rng.randint(0, max(0, len(tail) - 2))
    return " ".join(head[:cut_head] + tail[cut_tail:])


def synthetic_records(count: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """``count`` records in citecheck's JSONL schema, fields recombined from real ones."""
    rng = random.Random(seed)
    pool = load_pool()
    for number in range(count):
        authors = [f"{rng.choice(pool.givens)} {rng.choice(pool.families)}"
                   for _ in range(rng.choice((1, 2, 2, 3, 3, 4, 5, 6)))]
        yield {"id": f"syn{number}", "title": _title(rng, pool), "authors": authors,
               "year": rng.choice(pool.years), "venue": rng.choice(pool.venues),
               "type": "article"}


# Where the big catalogues' dumps are found under ../shared/data, by the names their
# publishers give them; directories are read whole by the ACL/OpenAlex/Crossref importers.
DUMP_PATTERNS = ("dblp*.xml.gz", "dblp*.xml", "arxiv-metadata-oai-snapshot*.json*",
                 "openalex*", "crossref*", "acl-anthology*")


def find_real_dump(root: Path = SHARED) -> Path | None:
    """The first large real dump under ``root`` (two levels deep), if there is one."""
    for pattern in DUMP_PATTERNS:
        for depth in ("", "*/", "*/*/"):
            for path in sorted(root.glob(depth + pattern)):
                return path
    return None


def dump_records(dump: Path, count: int) -> Iterator[dict[str, Any]]:
    """The first ``count`` records of a real dump that have a title, in the JSONL schema."""
    from citecheck.sources import read_records

    taken = 0
    for record in read_records(dump):
        if taken >= count:
            return
        if len(record.title.split()) >= 3:
            taken += 1
            yield record.to_dict()


def real_corpus_files(root: Path = SHARED) -> list[Path]:
    """The real corpus the default index is built from (../shared/data/corpus/*.jsonl.gz)."""
    return sorted((root / "corpus").glob("*.jsonl.gz"))


def real_corpus_records(files: list[Path]) -> Iterator[dict[str, Any]]:
    from citecheck.sources import ImportStats, read_records

    for path in files:
        for record in read_records(path, "jsonl", ImportStats()):
            yield record.to_dict()


def corpus_records(count: int, dump: Path | None, seed: int = 0) -> Iterator[dict[str, Any]]:
    """A real dump, else the real corpus topped up with synthetic records, else synthetic."""
    if dump:
        return dump_records(dump, count)
    files = real_corpus_files()
    if files:
        # Real records first; synthetic ones only beyond the corpus's 340 k.
        return itertools.islice(itertools.chain(real_corpus_records(files),
                                                synthetic_records(count, seed)), count)
    return synthetic_records(count, seed)


def corpus_label(size: int, dump: Path | None) -> str:
    if dump:
        return f"real dump {dump}"
    if real_corpus_files():
        return (f"real corpus ../shared/data/corpus (the first {size:,} records; beyond its "
                f"339,656 records, synthetic ones recombined from real fields)")
    return "synthetic, recombined from real HALLMARK + AnyStyle fields"


def _initials(name: str) -> str:
    family = family_name(name)
    given = name[: len(name) - len(family)].split()
    return " ".join(g[0] + "." for g in given if g) + " " + family


def perturb_title(title: str, rng: random.Random) -> str:
    """The small errors real references carry: a dropped word, a typo."""
    words = title.split()
    if len(words) > 4 and rng.random() < 0.3:
        del words[rng.randrange(1, len(words))]
        title = " ".join(words)
    if rng.random() < 0.3:
        spot = rng.randrange(len(title))
        title = title[:spot] + title[spot + 1:]
    return title


def render_reference(record: dict[str, Any], title: str, rng: random.Random) -> str:
    """A plain-text reference to ``record`` (with its cited ``title``) in one of four styles."""
    authors = record.get("authors") or ["Anonymous"]
    year, venue = record.get("year") or "n.d.", record.get("venue") or "Preprint"
    style = rng.randrange(4)
    if style == 0:
        return f"{', '.join(authors)}. {title}. In {venue}, {year}."
    if style == 1:
        names = ", ".join(_initials(a) for a in authors)
        return f"{names} ({year}). {title}. {venue}."
    if style == 2:
        lead = f"{authors[0]} et al." if len(authors) > 2 else " and ".join(authors)
        return f'{lead}, "{title}", {venue}, {year}.'
    return f"*{title}* by {', '.join(authors)} ({venue} {year})."


@dataclass
class Query:
    line: int
    """The record's line in the corpus."""
    record_id: str
    title: str
    reference: str


def write_corpus(path: Path, count: int, queries: int, dump: Path | None = None,
                 seed: int = 0) -> list[Query]:
    """Write ``count`` records as JSONL; return perturbed references to ``queries`` of them."""
    rng = random.Random(seed + 1)
    chosen = set(rng.sample(range(count), min(queries, count)))
    sample: list[Query] = []
    with path.open("w", encoding="utf-8") as handle:
        for number, record in enumerate(corpus_records(count, dump, seed)):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            if number in chosen:
                title = perturb_title(record["title"], rng)
                sample.append(Query(number, record["id"], title,
                                    render_reference(record, title, rng)))
    rng.shuffle(sample)
    return sample


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def exact_top_k(corpus: Path, encoder: Any, queries: np.ndarray, k: int) -> list[list[str]]:
    """Exact top-k record ids by brute force over freshly encoded records (the ANN's truth)."""
    from citecheck.index.vectors import record_text
    from citecheck.records import Record

    best_scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_lines = np.full((len(queries), k), -1, dtype=np.int64)
    ids: list[str] = []
    chunk: list[str] = []

    def flush() -> None:
        nonlocal best_scores, best_lines
        scores = queries @ encoder.encode_batch(chunk).T
        start = len(ids) - len(chunk)
        lines = np.broadcast_to(np.arange(start, len(ids)), scores.shape)
        all_scores = np.concatenate([best_scores, scores], axis=1)
        all_lines = np.concatenate([best_lines, lines], axis=1)
        top = np.argsort(-all_scores, axis=1)[:, :k]
        best_scores = np.take_along_axis(all_scores, top, axis=1)
        best_lines = np.take_along_axis(all_lines, top, axis=1)
        chunk.clear()

    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            record = Record.from_dict(json.loads(line))
            ids.append(record.id)
            chunk.append(record_text(record))
            if len(chunk) >= 20_000:
                flush()
    if chunk:
        flush()
    return [[ids[line] for line in row] for row in best_lines.tolist()]


def as_text(references: list[str]) -> str:
    return "References\n\n" + "\n".join(f"[{n}] {ref}" for n, ref in enumerate(references, 1))


def measure_citecheck(size: int, encoder_name: str, workdir: Path, queries: int,
                      dump: Path | None) -> dict[str, Any]:
    from citecheck.config import SourceSpec
    from citecheck.index.build import build_index
    from citecheck.index.encoders import get_encoder
    from citecheck.verifier import Verifier

    corpus = workdir / f"corpus-{size}.jsonl"
    sample = write_corpus(corpus, size, queries, dump)
    (workdir / f"queries-{size}.json").write_text(json.dumps([q.__dict__ for q in sample]))
    encoder = get_encoder(encoder_name)
    encoder.encode_batch(["warm up"])
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    manifest = build_index(workdir / f"index-{size}", [SourceSpec(corpus, "jsonl")], encoder)
    build_s = time.perf_counter() - started
    result: dict[str, Any] = {
        "size": size, "records": manifest.count, "encoder": manifest.model,
        "corpus": corpus_label(size, dump),
        "vector_index": manifest.vector_index,
        "build_s": build_s, "build_rate": manifest.count / build_s,
        "peak_rss_build_mb": peak_rss_mb(), "rss_before_build_mb": rss_before,
        "disk_mb": sum(f.stat().st_size for f in (workdir / f"index-{size}").iterdir()) / 2**20,
    }
    verifier = Verifier.open(workdir / f"index-{size}")
    index = verifier.index
    # ANN recall@10 against exact search, and whether the cited record is in the top 10.
    recall_queries = sample[:500]
    vectors = encoder.encode_batch([f"{q.title}" for q in recall_queries])
    ann = [[rid for rid, _ in hits] for hits in index.vectors.search(vectors, 10)]
    started = time.perf_counter()
    exact_ids = exact_top_k(corpus, encoder, vectors, 10)
    result["exact_scan_s"] = time.perf_counter() - started
    # Compared by record id: corpus lines and index rids differ once the build has
    # dropped a duplicate.
    rid_of = index.store.rids_by_ids([*(i for row in exact_ids for i in row),
                                      *(q.record_id for q in sample)])
    exact = [{rid_of.get(record_id, -1) for record_id in row} for row in exact_ids]
    result["ann_recall_at_10"] = float(np.mean(
        [len(set(a) & e) / 10 for a, e in zip(ann, exact, strict=True)]))
    result["dense_hit_at_10"] = float(np.mean([rid_of.get(q.record_id) in a for q, a in zip(
        recall_queries, ann, strict=True)]))
    # Single-reference latency, warm: the whole verify path for one reference.
    latencies = []
    for query in sample[:200]:
        started = time.perf_counter()
        verifier.verify_many([query.reference])
        latencies.append(time.perf_counter() - started)
    result["latency_p50_ms"] = 1000 * percentile(latencies, 0.5)
    result["latency_p95_ms"] = 1000 * percentile(latencies, 0.95)
    answers = [as_text([q.reference for q in sample[n:n + 5]]) for n in range(0, 50, 5)]
    five = []
    for answer in answers:
        started = time.perf_counter()
        verifier.verify_text(answer)
        five.append(time.perf_counter() - started)
    result["five_reference_answer_ms"] = 1000 * statistics.median(five)
    # Batch throughput: every sampled reference as its own text, verified in one call.
    references = [q.reference for q in sample]
    started = time.perf_counter()
    reports = verifier.verify_many(references)
    batch_s = time.perf_counter() - started
    result["batch_refs"] = len(references)
    result["refs_per_s"] = len(references) / batch_s
    right = 0
    for query, report in zip(sample, reports, strict=True):
        found = report.results[0].record if report.results else None
        right += found is not None and found.id == query.record_id
    result["verified_right_record"] = right / len(sample)
    result["verdicts"] = dict(_count(r.results[0].verdict if r.results else "none"
                                     for r in reports))
    # The same batch as `citecheck batch --workers 2` runs it: chunks on two threads
    # (SQLite, FAISS and the encoder release the GIL while they work).
    chunks = [references[i:i + 64] for i in range(0, len(references), 64)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(verifier.verify_many, chunks))
    result["refs_per_s_2_threads"] = len(references) / (time.perf_counter() - started)
    result["peak_rss_total_mb"] = peak_rss_mb()
    return result


def _count(items: Iterator[str] | Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def measure_baseline(size: int, workdir: Path, queries: int) -> dict[str, Any]:
    """The naive baseline: rapidfuzz over every title, for the same sampled references."""
    from rapidfuzz import fuzz, process

    corpus = workdir / f"corpus-{size}.jsonl"
    sample = [Query(**q) for q in json.loads((workdir / f"queries-{size}.json").read_text())]
    started = time.perf_counter()
    with corpus.open(encoding="utf-8") as handle:
        titles = [json.loads(line)["title"] for line in handle]
    load_s = time.perf_counter() - started
    timed = sample[:max(10, min(100, 20_000_000 // size))]
    latencies, top1, top10 = [], 0, 0
    for query in timed:
        started = time.perf_counter()
        best = process.extractOne(query.title, titles, scorer=fuzz.WRatio)
        latencies.append(time.perf_counter() - started)
        top1 += best is not None and best[2] == query.line
    for query in timed[:10]:
        hits = process.extract(query.title, titles, scorer=fuzz.WRatio, limit=10)
        top10 += query.line in [hit[2] for hit in hits]
    return {
        "size": size, "build_rate": size / load_s, "peak_rss_build_mb": peak_rss_mb(),
        "disk_mb": corpus.stat().st_size / 2**20, "queries": len(timed),
        "latency_p50_ms": 1000 * percentile(latencies, 0.5),
        "latency_p95_ms": 1000 * percentile(latencies, 0.95),
        "refs_per_s": 1 / statistics.mean(latencies),
        "five_reference_answer_ms": 5000 * statistics.mean(latencies),
        "top1": top1 / len(timed), "hit_at_10": top10 / min(10, len(timed)),
    }


def compare_encoders(names: list[str], queries: int = 500) -> None:
    """Dense recall@10 of each encoder on perturbed references to the real HALLMARK records."""
    from citecheck.index.encoders import get_encoder
    from citecheck.index.vectors import embedding_text

    rng = random.Random(7)
    records = []
    for name in ("valid_entries.jsonl", "dev_public.jsonl"):
        for entry in read_jsonl(SHARED / "hallmark" / name):
            if entry.get("label") == "VALID":
                fields = entry["fields"]
                records.append({"title": fields["title"],
                                "authors": split_bibtex_authors(fields.get("author", "")),
                                "year": fields.get("year"),
                                "venue": fields.get("booktitle") or fields.get("journal")})
    chosen = rng.sample(range(len(records)), min(queries, len(records)))
    cited = [perturb_title(records[n]["title"], rng) for n in chosen]
    fielded = [embedding_text(title, [family_name(a) for a in records[n]["authors"]])
               for n, title in zip(chosen, cited, strict=True)]
    raw = [render_reference(records[n], title, rng) for n, title in zip(chosen, cited, strict=True)]
    corpus = [embedding_text(r["title"], [family_name(a) for a in r["authors"]]) for r in records]
    print(f"dense recall@10 on {len(chosen)} perturbed references to {len(records)} real "
          "HALLMARK records (exact search)")
    for name in names:
        encoder = get_encoder(name)
        started = time.perf_counter()
        matrix = encoder.encode_batch(corpus)
        rate = len(corpus) / (time.perf_counter() - started)
        for label, texts in (("title + family names", fielded), ("raw reference", raw)):
            top = np.argsort(-(encoder.encode_batch(texts) @ matrix.T), axis=1)[:, :10]
            hit = np.mean([n in row for n, row in zip(chosen, top, strict=True)])
            print(f"  {encoder.name:24} {label:22} recall@10 {hit:.3f}  ({rate:,.0f} texts/s)")


def run_child(kind: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--sizes", str(size),
               "--encoder", args.encoder, "--workdir", str(args.workdir),
               "--queries", str(args.queries)] + (["--dump", str(args.dump)] if args.dump else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{kind} run at {size} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(ours: dict[str, Any], baseline: dict[str, Any]) -> None:
    size = ours["size"]
    print(f"\n== {size:,} records ({ours['corpus']}; {ours['records']:,} after dedupe) ==")
    print(f"citecheck: encoder {ours['encoder']}, FAISS {ours['vector_index']}; baseline: "
          "rapidfuzz.process.extractOne(WRatio) over all titles")
    rows = [
        ("build rate (records/s)", f"{ours['build_rate']:,.0f}",
         f"{baseline['build_rate']:,.0f} (load titles)"),
        ("peak RSS, build (MB)", f"{ours['peak_rss_build_mb']:,.0f}",
         f"{baseline['peak_rss_build_mb']:,.0f}"),
        ("size on disk (MB)", f"{ours['disk_mb']:,.0f}", f"{baseline['disk_mb']:,.0f} (JSONL)"),
        ("query latency p50 / p95 (ms)",
         f"{ours['latency_p50_ms']:.1f} / {ours['latency_p95_ms']:.1f}",
         f"{baseline['latency_p50_ms']:.1f} / {baseline['latency_p95_ms']:.1f}"),
        ("recall@10 vs exact (ANN)", f"{ours['ann_recall_at_10']:.3f}", "1.000 (exhaustive)"),
        ("cited record in top 10", f"{ours['dense_hit_at_10']:.3f} (dense only)",
         f"{baseline['hit_at_10']:.3f}"),
        ("right record, end to end", f"{ours['verified_right_record']:.3f}",
         f"{baseline['top1']:.3f} (top 1)"),
        ("references verified/s, batch", f"{ours['refs_per_s']:,.0f}",
         f"{baseline['refs_per_s']:,.1f}"),
        ("  the same, 2 worker threads", f"{ours['refs_per_s_2_threads']:,.0f}", ""),
        ("5-reference answer, warm (ms)", f"{ours['five_reference_answer_ms']:.0f}",
         f"{baseline['five_reference_answer_ms']:.0f}"),
    ]
    print(f"  {'':32} {'citecheck':>24} {'baseline':>28}")
    for name, mine, theirs in rows:
        print(f"  {name:32} {mine:>24} {theirs:>28}")
    print(f"  build {ours['build_s']:.0f}s; peak RSS incl. queries {ours['peak_rss_total_mb']:,.0f}"
          f" MB; {ours['batch_refs']} batch refs, verdicts {ours['verdicts']}; "
          f"baseline timed on {baseline['queries']} queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="339656,1000000")
    parser.add_argument("--encoder", default=None,
                        help="encoder name (default: the default index's, data/default_index.json)")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--compare-encoders", action="store_true",
                        help="only compare the encoders' recall on real HALLMARK records")
    parser.add_argument("--dump", type=Path, default=None,
                        help="a real dump to take records from (default: the first found "
                             "under ../shared/data, else a synthetic corpus)")
    parser.add_argument("--child", choices=["citecheck", "baseline"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.encoder is None:
        from citecheck.config import default_encoder_name

        args.encoder = default_encoder_name()
    if args.compare_encoders:
        compare_encoders(["static", "minilm"])
        return
    if args.child:
        measure = (measure_citecheck(sizes[0], args.encoder, args.workdir, args.queries, args.dump)
                   if args.child == "citecheck" else
                   measure_baseline(sizes[0], args.workdir, args.queries))
        print(json.dumps(measure))
        return
    args.dump = args.dump or find_real_dump()
    print(f"corpus: {corpus_label(max(sizes), args.dump)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="citecheck-scale-") as tmp:
        args.workdir = args.workdir or Path(tmp)
        for size in sizes:
            started = time.perf_counter()
            ours = run_child("citecheck", size, args)
            baseline = run_child("baseline", size, args)
            report(ours, baseline)
            print(f"  (this size took {time.perf_counter() - started:.0f}s)", flush=True)
            for leftover in args.workdir.glob(f"*-{size}*"):
                if leftover.is_dir():
                    shutil.rmtree(leftover)
                else:
                    leftover.unlink()


if __name__ == "__main__":
    main()
