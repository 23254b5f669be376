"""Crossref works: REST API replies and the public data file (``*.json.gz`` of ``{"items"}``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citecheck.records import Record
from citecheck.sources.base import ImportStats, clean_markup, open_text, source_files
from citecheck.sources.csljson import record_from_csl
from citecheck.sources.jsonstream import iter_json_items

CROSSREF_SUFFIXES = (".json", ".json.gz")


def unwrap_message(item: Any) -> Any:
    """A REST API reply wraps its work in ``{"status", "message": {...}}``."""
    if isinstance(item, dict) and isinstance(item.get("message"), dict) and "DOI" not in item:
        return item["message"]
    return item


def record_from_crossref(work: dict[str, Any], source: str | None = None) -> Record | None:
    """Map one Crossref work to a Record; None when it has no title or no DOI.

    Crossref's work JSON is CSL-shaped (``title`` and ``container-title`` are lists,
    authors are {given, family} or {name}), so the CSL mapping does the work; the id
    is the DOI because every Crossref work has one.
    """
    if not work.get("DOI"):
        return None
    record = record_from_csl(work, source=source, record_id="pending")
    if record is None or not record.doi:
        return None
    record.id = f"doi:{record.doi}"
    containers = [t for t in work.get("container-title") or [] if isinstance(t, str) and t.strip()]
    if len(containers) > 1:
        # Chapters list the series first ("Lecture Notes in Computer Science"), then the book.
        record.venue = clean_markup(containers[-1])
    return record


def read_crossref(path: Path, stats: ImportStats) -> Iterator[Record]:
    files = source_files(path, CROSSREF_SUFFIXES) if path.is_dir() else [path]
    for file in files:
        yield from _read_one(file, stats)


def _read_one(path: Path, stats: ImportStats) -> Iterator[Record]:
    with open_text(path) as handle:
        number = 0
        try:
            for number, item in enumerate(iter_json_items(handle), 1):
                work = unwrap_message(item)
                record = record_from_crossref(work, source=path.name) if isinstance(
                    work, dict) else None
                if record is None:
                    doi = work.get("DOI", "?") if isinstance(work, dict) else "?"
                    stats.skip(f"{path.name} item {number} (DOI {doi}): no title or DOI")
                    continue
                stats.read += 1
                yield record
        except ValueError as exc:
            stats.skip(f"{path.name}: invalid JSON after item {number}: {exc}")
