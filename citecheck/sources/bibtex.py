"""BibTeX files (bibtexparser) and the mapping of BibTeX fields onto a Record."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from citecheck.latex import latex_to_text
from citecheck.records import (
    Record,
    arxiv_from_doi,
    normalize_arxiv,
    normalize_doi,
    parse_year,
    split_bibtex_authors,
)
from citecheck.sources.base import ImportStats, open_text

# Entries per bibtexparser call: large enough to amortise its setup, small enough that a
# 1 GB .bib is never held at once.
BATCH_BLOCKS = 2000
_ENTRY_START = re.compile(r"@\s*[A-Za-z]+\s*[{(]\s*[^\s,=]*\s*,")
_STRING_START = re.compile(r"@\s*string\s*[{(]", re.IGNORECASE)
VENUE_FIELDS = ("booktitle", "journal", "journaltitle", "publisher", "howpublished", "school")


def record_from_fields(key: str, fields: dict[str, str], entry_type: str | None,
                       source: str | None = None) -> Record | None:
    """Map lower-cased BibTeX fields to a Record; None when there is no title."""
    title = latex_to_text(fields.get("title", "")).strip()
    if not title:
        return None
    doi = normalize_doi(fields.get("doi"))
    arxiv = normalize_arxiv(fields.get("eprint")) if fields.get("eprint") else None
    arxiv = arxiv or arxiv_from_doi(doi)
    url = fields.get("url")
    if not arxiv and url and "arxiv.org" in url:
        arxiv = normalize_arxiv(url)
    venue = next((latex_to_text(fields[name]) for name in VENUE_FIELDS if fields.get(name)), None)
    return Record(
        id=key, title=title, authors=split_bibtex_authors(fields.get("author", "")),
        year=parse_year(fields.get("year") or fields.get("date")), venue=venue, doi=doi,
        arxiv=arxiv, url=url, type=entry_type, source=source,
    )


def iter_bibtex_blocks(handle: IO[str]) -> Iterator[tuple[int, str]]:
    """Split BibTeX text into top-level blocks (entry, @string, comment) with their first line.

    A block starts at a line beginning with ``@`` outside braces, or at a line that
    looks like an entry start even inside braces, so one unbalanced entry does not
    swallow the rest of the file.
    """
    lines: list[str] = []
    first_line, depth = 1, 0
    for number, line in enumerate(handle, 1):
        stripped = line.lstrip()
        if stripped.startswith("@") and (depth == 0 or _ENTRY_START.match(stripped)):
            if lines:
                yield first_line, "".join(lines)
            lines, first_line, depth = [], number, 0
        lines.append(line)
        unescaped = line.replace("\\{", "").replace("\\}", "")
        depth = max(depth + unescaped.count("{") - unescaped.count("}"), 0)
    if lines:
        yield first_line, "".join(lines)


def read_bibtex(path: Path, stats: ImportStats) -> Iterator[Record]:
    """Parse a .bib file in batches of entries, so memory does not grow with the file."""
    string_blocks: list[str] = []  # @string macros apply to all later batches
    batch: list[tuple[int, str]] = []
    with open_text(path) as handle:
        for first_line, block in iter_bibtex_blocks(handle):
            batch.append((first_line, block))
            if len(batch) >= BATCH_BLOCKS:
                yield from _parse_batch(batch, string_blocks, path, stats)
                batch = []
    if batch:
        yield from _parse_batch(batch, string_blocks, path, stats)


def _parse_batch(batch: list[tuple[int, str]], string_blocks: list[str], path: Path,
                 stats: ImportStats) -> Iterator[Record]:
    from bibtexparser.entrypoint import parse_string

    prefix = "".join(string_blocks)
    library = parse_string(prefix + "".join(block for _, block in batch))
    string_blocks.extend(block for _, block in batch if _STRING_START.match(block.lstrip()))
    # bibtexparser counts lines from 0 in the text it was given, prefix included.
    line_offset = batch[0][0] - prefix.count("\n")
    for failed in library.failed_blocks:
        line = getattr(failed, "start_line", None)
        where = f"line {line + line_offset}" if isinstance(line, int) else "unknown line"
        stats.skip(f"unparseable BibTeX ({type(failed).__name__}) near {where}")
    for entry in library.entries:
        fields = {f.key.lower(): str(f.value) for f in entry.fields}
        record = record_from_fields(entry.key, fields, entry.entry_type.lower(), source=path.name)
        if record is None:
            stats.skip(f"entry {entry.key}: no title")
            continue
        stats.read += 1
        yield record
