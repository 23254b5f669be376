"""The arXiv metadata snapshot (Kaggle's JSON lines) and mapping arXiv metadata to Records."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from citecheck.latex import latex_to_text
from citecheck.records import (
    Record,
    normalize_arxiv,
    normalize_doi,
    parse_year,
)
from citecheck.sources.base import ImportStats, open_text

_NEW_ID = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}$")
_OLD_ID = re.compile(r"/(\d{2})\d{5}$")
# Old-style ids started in 1991 (hep-th/9108...); a two-digit year below that is 20xx.
_FIRST_ARXIV_YEAR = 91


def year_from_arxiv_id(arxiv: str) -> int | None:
    """The year in an arXiv id ("1706.03762" -> 2017, "hep-th/9901001" -> 1999)."""
    match = _NEW_ID.match(arxiv) or _OLD_ID.search(arxiv)
    if not match:
        return None
    two_digits = int(match.group(1))
    return (1900 if two_digits >= _FIRST_ARXIV_YEAR else 2000) + two_digits


def arxiv_record(arxiv_id: str, title: str, authors: Sequence[str], *, year: int | None = None,
                 doi: str | None = None, journal_ref: str | None = None,
                 source: str | None = None) -> Record | None:
    """A Record for an arXiv e-print; None when the id or title is missing.

    The venue is the journal reference when the e-print was published, else "arXiv".
    """
    arxiv = normalize_arxiv(arxiv_id)
    title = latex_to_text(" ".join(title.split()))
    if not arxiv or not title:
        return None
    return Record(
        id=f"arXiv:{arxiv}", title=title,
        authors=[latex_to_text(" ".join(name.split())) for name in authors if name.strip()],
        year=year or year_from_arxiv_id(arxiv), venue=(journal_ref or "").strip() or "arXiv",
        doi=normalize_doi(doi), arxiv=arxiv, url=f"https://arxiv.org/abs/{arxiv}",
        type="preprint", source=source,
    )


def _parsed_authors(entry: dict[str, Any]) -> list[str]:
    parsed = entry.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for parts in parsed:
            last, first, suffix = ([*parts, "", ""])[:3]
            names.append(" ".join(p for p in (first, last, suffix) if p))
        return names
    # Without authors_parsed, the display string is "A, B and C".
    return [n for n in re.split(r",\s*|\s+and\s+", str(entry.get("authors") or "")) if n.strip()]


def record_from_arxiv_snapshot(entry: dict[str, Any], source: str | None = None) -> Record | None:
    versions = entry.get("versions") or []
    first_date = versions[0].get("created") if versions and isinstance(versions[0], dict) else None
    return arxiv_record(
        str(entry.get("id") or ""), str(entry.get("title") or ""), _parsed_authors(entry),
        year=parse_year(first_date), doi=entry.get("doi"), journal_ref=entry.get("journal-ref"),
        source=source,
    )


def read_arxiv(path: Path, stats: ImportStats) -> Iterator[Record]:
    with open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = record_from_arxiv_snapshot(json.loads(line), source=path.name)
            except (ValueError, TypeError, AttributeError, KeyError) as exc:
                stats.skip(f"line {number}: {exc.__class__.__name__}: {exc}")
                continue
            if record is None:
                stats.skip(f"line {number}: no arXiv id or title")
                continue
            stats.read += 1
            yield record
