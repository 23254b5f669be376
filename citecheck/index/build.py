"""Building an index directory atomically: write beside the target, swap it in at the end."""

from __future__ import annotations

import shutil
import sqlite3
import statistics
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from citecheck.config import COMPLETE_VENUE_YEARS, SourceSpec
from citecheck.errors import SourceError
from citecheck.index.encoders import Encoder
from citecheck.index.manifest import (
    BUILD_RECIPE,
    Manifest,
    file_digest,
    load_manifest,
    source_digest,
)
from citecheck.index.store import STORE_FILE, create_store, enable_search, finish_search
from citecheck.index.swap import (
    recover_interrupted_swap,
    remove_stale_staging,
    sibling,
    swap_into_place,
    write_errors,
    writer_lock,
)
from citecheck.index.vectors import (
    VECTORS_FILE,
    Vectors,
    new_flat_index,
    new_large_index,
    training_sample,
    vector_kind,
)
from citecheck.index.writer import StoreWriter, WriteStats
from citecheck.records import Record
from citecheck.sources import ImportStats, read_records
from citecheck.venues import default_venue_table

Progress = Callable[[str, int, int | None], None]
"""progress(stage, done, total): called as records are read and embedded."""

SPOOL_FILE = "embeddings.spool"
# A venue-year is listed completely only if it holds at least this share of the venue's
# median year (see CoverageCollector.to_dict).
MIN_SHARE_OF_TYPICAL_YEAR = 0.25
SPOOL_CHUNK = 50_000


def _noop(stage: str, done: int, total: int | None) -> None:
    return None


class EmbeddingSpool:
    """Embeddings in rid order on disk (float16) until the FAISS index can be sized and trained.

    The vector index must be trained (SQ8's ranges) before vectors are added, and its kind
    is known only once every source is read; spooling keeps peak memory flat meanwhile.
    """

    def __init__(self, path: Path, dimension: int) -> None:
        self.path = path
        self.dimension = dimension
        self.rids: list[int] = []
        self._handle = path.open("wb")

    def append(self, rids: list[int], vectors: np.ndarray) -> None:
        self._handle.write(np.asarray(vectors, dtype=np.float16).tobytes())
        self.rids.extend(rids)

    def chunks(self, size: int = SPOOL_CHUNK) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        self._handle.close()
        row_bytes = self.dimension * 2
        with self.path.open("rb") as handle:
            for start in range(0, len(self.rids), size):
                rids = np.asarray(self.rids[start:start + size], dtype=np.int64)
                raw = handle.read(row_bytes * len(rids))
                vectors = np.frombuffer(raw, dtype=np.float16).reshape(len(rids), self.dimension)
                yield vectors.astype(np.float32), rids

    def close(self) -> None:
        self._handle.close()
        self.path.unlink(missing_ok=True)


def vectors_from_spool(spool: EmbeddingSpool) -> Vectors:
    """A FAISS index of the kind suited to the spool's size, filled from it."""
    count = len(spool.rids)
    if vector_kind(count) == "flat":
        vectors = Vectors(new_flat_index(spool.dimension))
    else:
        # An evenly spread sample of the whole corpus, so SQ8's ranges see every source.
        step = training_sample(count)
        sample = np.concatenate([chunk[(-start) % step::step] for start, (chunk, _) in zip(
            range(0, count, SPOOL_CHUNK), spool.chunks(), strict=False)])
        vectors = Vectors(new_large_index(sample))
    for chunk, rids in spool.chunks():
        vectors.add(chunk, rids)
    return vectors


def index_coverage(store_path: Path) -> dict[str, list[Any]]:
    """Canonical venues and years present in a store (see verdict.Coverage)."""
    table = default_venue_table()
    conn = sqlite3.connect(store_path)
    try:
        rows = conn.execute(
            "SELECT venue, arxiv IS NOT NULL, group_concat(DISTINCT year) FROM records "
            "GROUP BY venue, arxiv IS NOT NULL"
        ).fetchall()
    finally:
        conn.close()
    venues: set[str] = set()
    years: set[int] = set()
    for venue, has_arxiv, year_list in rows:
        if venue:
            venues.add(table.venue_key(venue))
        elif has_arxiv:
            venues.add("arXiv")
        years.update(int(y) for y in str(year_list or "").split(",") if y.strip().isdigit())
    return {"venues": sorted(venues), "years": sorted(years)}


class CoverageCollector:
    """The venue-years that sources declared complete list, gathered as records stream by.

    A venue's accepted-paper list for a year holds every paper of it, so a citation of
    that venue-year that the index lacks is fabricated; a hand-made .bib says nothing.
    """

    def __init__(self, existing: dict[str, list[int]] | None = None) -> None:
        self.table = default_venue_table()
        self.counts: dict[str, Counter[int]] = {}
        self.kept: dict[str, set[int]] = {venue: set(years)
                                          for venue, years in (existing or {}).items()}

    def watch(self, spec: SourceSpec, records: Iterator[Record]) -> Iterator[Record]:
        if spec.coverage != COMPLETE_VENUE_YEARS:
            yield from records
            return
        for record in records:
            if record.venue and record.year:
                venue = self.table.venue_key(record.venue)
                self.counts.setdefault(venue, Counter())[record.year] += 1
            yield record

    def to_dict(self) -> dict[str, list[int]]:
        """Complete venue-years, leaving out years with a fraction of the venue's usual count.

        A proceedings volume found under a venue's name (a workshop held at ACL 2025) is
        not that venue's list for the year: the ACL Anthology copy has 9 such "ACL 2025"
        papers and ~1,000 a year otherwise. Declaring ACL 2025 complete would call every
        real ACL 2025 paper fabricated, so a year counts only with at least
        MIN_SHARE_OF_TYPICAL_YEAR of the venue's median year.
        """
        listed = {venue: set(years) for venue, years in self.kept.items()}
        for venue, counts in self.counts.items():
            typical = statistics.median(counts.values())
            listed.setdefault(venue, set()).update(
                year for year, count in counts.items()
                if count >= MIN_SHARE_OF_TYPICAL_YEAR * typical)
        return {venue: sorted(years) for venue, years in sorted(listed.items()) if years}


def write_manifest(directory: Path, model: str, dimension: int, count: int,
                   sources: list[dict[str, Any]], vector_index: str,
                   built_at: str | None = None, complete: bool = False,
                   complete_venue_years: dict[str, list[int]] | None = None,
                   recipe: int = BUILD_RECIPE) -> Manifest:
    """Write ``manifest.json``; ``complete`` declares the index a closed world,
    ``complete_venue_years`` the venue-years whose every paper it holds, and ``recipe`` the
    build's (an update keeps the recipe its index was built with)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    manifest = Manifest(
        model=model, dimension=dimension, count=count, sources=sources,
        files={name: file_digest(directory / name) for name in (STORE_FILE, VECTORS_FILE)},
        built_at=built_at or now, updated_at=now, vector_index=vector_index, recipe=recipe,
        coverage={**index_coverage(directory / STORE_FILE), "complete": complete,
                  "complete_venue_years": complete_venue_years or {}},
    )
    manifest.save(directory)
    return manifest


def source_summary(spec: SourceSpec, stats: ImportStats, written: WriteStats) -> dict[str, Any]:
    return {
        "path": str(spec.path), "format": spec.format, "coverage": spec.coverage,
        "sha256": source_digest(spec.path),
        "records": stats.read, "skipped": stats.skipped, "skip_reasons": stats.reasons,
        **written.to_dict(),
    }


def check_sources(sources: list[SourceSpec]) -> None:
    if not sources:
        raise SourceError("no sources given: name at least one source file or directory "
                          "(.bib, .jsonl, CSL-JSON, DBLP/ACL XML, arXiv/OpenAlex/Crossref dumps)")
    for spec in sources:  # fail before any work if a source is missing
        if not spec.path.exists():
            raise SourceError(f"source not found: {spec.path}")


def prepare_parent(directory: Path) -> None:
    with write_errors(directory):
        directory.parent.mkdir(parents=True, exist_ok=True)
    recover_interrupted_swap(directory)
    remove_stale_staging(directory)


def build_index(directory: Path, sources: list[SourceSpec], encoder: Encoder, *,
                progress: Progress = _noop, complete: bool = False) -> Manifest:
    """Build an index from sources into ``directory``, replacing any index there atomically.

    A record whose DOI, arXiv id or title+year+first author is already in the index
    is a duplicate: the first source listed wins. ``complete`` declares that the sources
    hold every real work of their domain, so verifiers treat a miss as ``not_found``.
    """
    check_sources(sources)
    directory = Path(directory)
    prepare_parent(directory)
    with writer_lock(directory):
        staging = sibling(directory, "building")
        shutil.rmtree(staging, ignore_errors=True)
        try:
            with write_errors(directory):
                staging.mkdir()
                _build_in(staging, sources, encoder, progress, complete)
                swap_into_place(staging, directory)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return load_manifest(directory)


def _build_in(staging: Path, sources: list[SourceSpec], encoder: Encoder,
              progress: Progress, complete: bool) -> None:
    create_store(staging / STORE_FILE).close()
    writer = StoreWriter(staging / STORE_FILE, update_existing=False)
    spool = EmbeddingSpool(staging / SPOOL_FILE, encoder.dimension)
    summaries = []
    coverage = CoverageCollector()
    try:
        for spec in sources:
            stats, written = ImportStats(), WriteStats()
            records = coverage.watch(spec, read_records(spec.path, spec.format, stats))
            for work in writer.write(records, written):
                spool.append(work.rids, encoder.encode_batch(work.texts))
                progress("read", len(spool.rids), None)
                progress("embed", len(spool.rids), None)
            summaries.append(source_summary(spec, stats, written))
        enable_search_on(writer)
        count = writer.count()
        writer.close()
        vectors = vectors_from_spool(spool)
    finally:
        spool.close()
    vectors.save(staging / VECTORS_FILE)
    write_manifest(staging, encoder.name, encoder.dimension, count, summaries, vectors.kind,
                   complete=complete, complete_venue_years=coverage.to_dict())


def enable_search_on(writer: StoreWriter) -> None:
    import sqlite_utils

    enable_search(sqlite_utils.Database(writer.conn))
    with writer.conn:
        finish_search(writer.conn)
