"""OpenAlex works: the snapshot's JSON-lines parts (``part_*.gz``) and API work objects."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citecheck.records import Record, arxiv_from_doi, normalize_arxiv, normalize_doi
from citecheck.sources.base import ImportStats, clean_markup, open_text, source_files

OPENALEX_SUFFIXES = (".gz", ".jsonl", ".json")
_OPENALEX_PREFIX = "https://openalex.org/"


def _source_name(location: object) -> str | None:
    if isinstance(location, dict) and isinstance(location.get("source"), dict):
        name = location["source"].get("display_name")
        return str(name) if name else None
    return None


def _arxiv(work: dict[str, Any], doi: str | None) -> str | None:
    ids = work.get("ids") or {}
    arxiv = normalize_arxiv(ids.get("arxiv")) if isinstance(ids, dict) else None
    arxiv = arxiv or arxiv_from_doi(doi)
    for location in work.get("locations") or []:
        if arxiv:
            break
        url = str((location or {}).get("landing_page_url") or "")
        if "arxiv.org" in url:
            arxiv = normalize_arxiv(url)
    return arxiv


def record_from_openalex(work: dict[str, Any], source: str | None = None) -> Record | None:
    """Map one OpenAlex work to a Record; None when it has no id or title."""
    title = clean_markup(str(work.get("title") or work.get("display_name") or ""))
    work_id = str(work.get("id") or "").removeprefix(_OPENALEX_PREFIX)
    if not title or not work_id:
        return None
    doi = normalize_doi(work.get("doi"))
    authors = [
        " ".join(str(a["author"]["display_name"]).split())
        for a in work.get("authorships") or []
        if isinstance(a, dict) and isinstance(a.get("author"), dict)
        and a["author"].get("display_name")
    ]
    # Older snapshots name the venue in ``host_venue`` rather than ``primary_location``.
    venue = _source_name(work.get("primary_location")) or (
        (work.get("host_venue") or {}).get("display_name") or None)
    year = work.get("publication_year")
    return Record(
        id=f"openalex:{work_id}", title=title, authors=authors,
        year=int(year) if isinstance(year, int) else None, venue=venue, doi=doi,
        arxiv=_arxiv(work, doi), url=work.get("doi") or str(work.get("id")),
        type=work.get("type"), source=source,
    )


def read_openalex(path: Path, stats: ImportStats) -> Iterator[Record]:
    files = source_files(path, OPENALEX_SUFFIXES) if path.is_dir() else [path]
    for file in files:
        with open_text(file) as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = record_from_openalex(json.loads(line), source=file.name)
                except (ValueError, TypeError, AttributeError, KeyError) as exc:
                    stats.skip(f"{file.name} line {number}: {exc.__class__.__name__}: {exc}")
                    continue
                if record is None:
                    stats.skip(f"{file.name} line {number}: no id or title")
                    continue
                stats.read += 1
                yield record
