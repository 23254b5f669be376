"""CSL-JSON (Zotero export, doi.org content negotiation) and mapping CSL items to Records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citecheck.latex import latex_to_text
from citecheck.records import (
    Record,
    arxiv_from_doi,
    display_name,
    normalize_arxiv,
    normalize_doi,
    parse_year,
)
from citecheck.sources.base import ImportStats, clean_markup, first_text, open_text
from citecheck.sources.jsonstream import iter_json_items

# CSL and Crossref both date a work with several fields; ``issued`` is the citable one.
DATE_FIELDS = ("issued", "published-print", "published-online", "published", "created")


def csl_person(person: object) -> str | None:
    """A CSL name object ({family, given} | {literal} | Crossref's {name}) as a display name."""
    if not isinstance(person, dict):
        return None
    literal = person.get("literal") or person.get("name")
    if isinstance(literal, str) and literal.strip():
        return display_name(latex_to_text(literal))
    family = str(person.get("family") or "").strip()
    given = str(person.get("given") or "").strip()
    particle = str(person.get("non-dropping-particle") or "").strip()
    family = f"{particle} {family}".strip()
    name = f"{given} {family}".strip()
    return display_name(latex_to_text(name)) if name else None


def csl_year(item: dict[str, Any]) -> int | None:
    """The year of the first of ``DATE_FIELDS`` that has one (date-parts, raw or literal)."""
    for name in DATE_FIELDS:
        date = item.get(name)
        if not isinstance(date, dict):
            continue
        parts = date.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = parse_year(parts[0][0])
            if year:
                return year
        year = parse_year(date.get("raw") or date.get("literal"))
        if year:
            return year
    return None


def csl_arxiv(item: dict[str, Any], doi: str | None) -> str | None:
    """An arXiv id from the DOI (10.48550/arXiv.*), an arxiv.org URL or a preprint number."""
    arxiv = arxiv_from_doi(doi)
    url = str(item.get("URL") or "")
    if not arxiv and "arxiv.org" in url:
        arxiv = normalize_arxiv(url)
    number = first_text(item.get("number"))
    if not arxiv and number.lower().startswith("arxiv"):
        arxiv = normalize_arxiv(number)
    return arxiv


def record_from_csl(item: dict[str, Any], source: str | None = None,
                    record_id: str | None = None) -> Record | None:
    """Map one CSL item to a Record; None when it has no title."""
    title = clean_markup(latex_to_text(first_text(item.get("title"))))
    if not title:
        return None
    doi = normalize_doi(first_text(item.get("DOI")))
    authors = [name for name in map(csl_person, item.get("author") or []) if name]
    venue = first_text(item.get("container-title")) or None
    return Record(
        id=record_id or str(item.get("id") or (f"doi:{doi}" if doi else title)),
        title=title, authors=authors, year=csl_year(item),
        venue=clean_markup(venue) if venue else None, doi=doi, arxiv=csl_arxiv(item, doi),
        url=first_text(item.get("URL")) or None, type=first_text(item.get("type")) or None,
        source=source,
    )


def read_csl_json(path: Path, stats: ImportStats) -> Iterator[Record]:
    with open_text(path) as handle:
        try:
            for number, item in enumerate(iter_json_items(handle), 1):
                if not isinstance(item, dict):
                    stats.skip(f"item {number}: not a JSON object")
                    continue
                record = record_from_csl(item, source=path.name,
                                         record_id=str(item.get("id") or f"{path.stem}:{number}"))
                if record is None:
                    stats.skip(f"item {number} ({item.get('id', '?')}): no title")
                    continue
                stats.read += 1
                yield record
        except ValueError as exc:
            # Syntax errors end the array: what was read is kept, the rest is one skip.
            stats.skip(f"invalid JSON after {stats.read + stats.skipped} items: {exc}")
