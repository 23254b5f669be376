"""Adding and removing records copy-on-write: change a staged copy, then swap it in."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citecheck.config import SourceSpec
from citecheck.errors import IndexMismatchError
from citecheck.index.build import (
    Progress,
    _noop,
    check_sources,
    prepare_parent,
    source_summary,
    write_manifest,
)
from citecheck.index.encoders import Encoder, get_encoder
from citecheck.index.manifest import MANIFEST_FILE, Manifest, load_manifest, rebuild_hint
from citecheck.index.store import STORE_FILE, Store, finish_search
from citecheck.index.swap import sibling, swap_into_place, write_errors, writer_lock
from citecheck.index.vectors import (
    VECTORS_FILE,
    Vectors,
    new_large_index,
    training_sample,
    vector_kind,
)
from citecheck.index.writer import StoreWriter, WriteStats
from citecheck.sources import ImportStats, read_records


@dataclass(slots=True)
class UpdateSummary:
    """What an update changed, and the manifest of the index it published."""

    manifest: Manifest
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    removed: int = 0
    embedded: int = 0
    missing: list[str] = field(default_factory=list)
    """Record ids asked to be removed that the index does not hold."""


@contextmanager
def staged_copy(directory: Path) -> Iterator[tuple[Path, Manifest]]:
    """A private copy of the index to change; swapped in if the block succeeds, else deleted."""
    directory = Path(directory)
    prepare_parent(directory)
    with writer_lock(directory):
        manifest = load_manifest(directory)
        staging = sibling(directory, "updating")
        shutil.rmtree(staging, ignore_errors=True)
        try:
            with write_errors(directory):
                staging.mkdir()
                _copy_store(directory / STORE_FILE, staging / STORE_FILE)
                shutil.copyfile(directory / VECTORS_FILE, staging / VECTORS_FILE)
                shutil.copyfile(directory / MANIFEST_FILE, staging / MANIFEST_FILE)
            yield staging, manifest
            with write_errors(directory):
                swap_into_place(staging, directory)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _copy_store(source: Path, target: Path) -> None:
    # The backup API copies a consistent snapshot page by page.
    with sqlite3.connect(f"file:{source}?mode=ro&immutable=1", uri=True) as reader:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    reader.close()


def _load_vectors(staging: Path, directory: Path) -> Vectors:
    try:
        return Vectors.load(staging / VECTORS_FILE)
    except RuntimeError:
        from citecheck.errors import IndexCorruptError

        raise IndexCorruptError(
            f"cannot read {directory / VECTORS_FILE}; {rebuild_hint(directory)}") from None


def _grow_if_needed(vectors: Vectors) -> Vectors:
    """Move a flat index that outgrew exact search into the large kind, reusing its vectors."""
    if vectors.kind != "flat" or vector_kind(vectors.count) == "flat":
        return vectors
    stored, rids = vectors.all_vectors()
    grown = Vectors(new_large_index(stored[::training_sample(len(rids))]))
    grown.add(stored, rids)
    return grown


def add_to_index(directory: Path, sources: list[SourceSpec], *, encoder: Encoder | None = None,
                 progress: Progress = _noop) -> UpdateSummary:
    """Add records from sources; a known work (same DOI, arXiv id or title+year+first author)
    whose fields changed replaces the stored one. Only new and changed records are embedded."""
    check_sources(sources)
    directory = Path(directory)
    with staged_copy(directory) as (staging, manifest):
        if encoder is not None and encoder.name != manifest.model:
            raise IndexMismatchError(
                f"index {directory} was built with encoder {manifest.model!r}, not "
                f"{encoder.name!r}; add with that encoder or {rebuild_hint(directory)}")
        encoder = encoder or get_encoder(manifest.model)
        vectors = _load_vectors(staging, directory)
        writer = StoreWriter(staging / STORE_FILE, update_existing=True)
        summary = UpdateSummary(manifest)
        summaries: list[dict[str, Any]] = []
        with write_errors(directory):
            for spec in sources:
                stats, written = ImportStats(), WriteStats()
                for work in writer.write(read_records(spec.path, spec.format, stats), written):
                    vectors.remove(work.replaced)
                    if work.rids:
                        vectors.add(encoder.encode_batch(work.texts), work.rids)
                    summary.embedded += len(work.rids)
                    progress("embed", summary.embedded, None)
                summaries.append(source_summary(spec, stats, written))
                for name in ("added", "updated", "unchanged", "duplicates"):
                    setattr(summary, name, getattr(summary, name) + getattr(written, name))
            with writer.conn:
                finish_search(writer.conn)
            count = writer.count()
            writer.close()
            vectors = _grow_if_needed(vectors)
            vectors.save(staging / VECTORS_FILE)
            summary.manifest = _rewrite_manifest(
                staging, manifest, encoder.name, encoder.dimension, count,
                manifest.sources + summaries, vectors.kind)
    return summary


def remove_from_index(directory: Path, record_ids: list[str] | None = None, *,
                      source: str | None = None) -> UpdateSummary:
    """Remove records by id, or every record of one source (its file name or path)."""
    directory = Path(directory)
    with staged_copy(directory) as (staging, manifest):
        store = Store(staging / STORE_FILE)
        try:
            found = store.rids_by_ids(record_ids or [])
            rids = set(found.values())
            if source is not None:
                rids.update(store.rids_by_source(Path(source).name))
        finally:
            store.close()
        summary = UpdateSummary(manifest, missing=[i for i in record_ids or [] if i not in found])
        vectors = _load_vectors(staging, directory)
        with write_errors(directory):
            writer = StoreWriter(staging / STORE_FILE, update_existing=True)
            writer.delete(sorted(rids))
            with writer.conn:
                finish_search(writer.conn)
            count = writer.count()
            writer.close()
            summary.removed = len(rids)
            vectors.remove(sorted(rids))
            vectors.save(staging / VECTORS_FILE)
            sources = [entry for entry in manifest.sources if source is None
                       or Path(str(entry.get("path"))).name != Path(source).name]
            summary.manifest = _rewrite_manifest(staging, manifest, manifest.model,
                                                 manifest.dimension, count, sources, vectors.kind)
    return summary


def _rewrite_manifest(staging: Path, manifest: Manifest, model: str, dimension: int, count: int,
                      sources: list[dict[str, Any]], vector_index: str) -> Manifest:
    """The manifest of an updated index: what its build declared (when it was built, its
    closed world and complete venue-years, its recipe) carried over."""
    return write_manifest(
        staging, model, dimension, count, sources, vector_index, built_at=manifest.built_at,
        complete=bool(manifest.coverage.get("complete")),
        complete_venue_years=manifest.coverage.get("complete_venue_years"),
        recipe=manifest.recipe)
