"""Importers of record sources behind one interface: ``read_records(path, format=None)``.

Each importer is a function ``(path, stats) -> Iterator[Record]`` registered in
``IMPORTERS`` under its format name, with a sniffer in ``detect_format``.
Importers stream (constant memory), skip malformed records into ``stats`` and
emit canonical identifiers. Formats whose dumps come as many files (ACL
Anthology, Crossref, OpenAlex) also take a directory as one source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from citecheck.errors import SourceError
from citecheck.records import Record
from citecheck.sources.acl import read_acl
from citecheck.sources.arxiv import read_arxiv
from citecheck.sources.base import ImportStats, read_head, source_files
from citecheck.sources.bibtex import read_bibtex
from citecheck.sources.crossref import read_crossref
from citecheck.sources.csljson import read_csl_json
from citecheck.sources.dblp import read_dblp
from citecheck.sources.hallmark import read_hallmark
from citecheck.sources.jsonl import read_jsonl
from citecheck.sources.openalex import read_openalex

Importer = Callable[[Path, ImportStats], Iterator[Record]]

IMPORTERS: dict[str, Importer] = {
    "acl": read_acl,
    "arxiv": read_arxiv,
    "bibtex": read_bibtex,
    "crossref": read_crossref,
    "csl-json": read_csl_json,
    "dblp": read_dblp,
    "hallmark": read_hallmark,
    "jsonl": read_jsonl,
    "openalex": read_openalex,
}

DIRECTORY_FORMATS = ("acl", "crossref", "openalex")
"""Formats whose importer also accepts a directory of files."""


def _json_lines_format(first_line: str) -> str | None:
    """The format of a JSON-lines file, from the keys of its first object."""
    if '"bibtex_type"' in first_line or '"bibtex_key"' in first_line:
        return "hallmark"
    if '"authors_parsed"' in first_line or ('"submitter"' in first_line
                                             and '"versions"' in first_line):
        return "arxiv"
    if '"authorships"' in first_line or '"https://openalex.org/W' in first_line:
        return "openalex"
    return None


def _sniff_file(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith((".bib", ".bibtex")):
        return "bibtex"
    head = read_head(path)
    if name.endswith((".xml", ".xml.gz")):
        if "<dblp>" in head or "dblp.dtd" in head:
            return "dblp"
        if "<collection" in head:
            return "acl"
        return None
    first_line = head.lstrip().split("\n", 1)[0]
    stripped = head.lstrip()
    if name.endswith((".json", ".json.gz")):
        # arXiv's snapshot is JSON lines despite its .json name.
        by_keys = _json_lines_format(first_line) if first_line.rstrip().endswith("}") else None
        if by_keys:
            return by_keys
        if stripped.startswith("["):
            return "csl-json"
        if stripped.startswith("{") and ('"items"' in head or '"message"' in head
                                         or '"DOI"' in head):
            return "crossref"
    if name.endswith((".jsonl", ".jsonl.gz", ".ndjson")) or (
            name.endswith(".gz") and stripped.startswith("{")):
        return _json_lines_format(first_line) or "jsonl"
    return None


def _sniff_directory(path: Path) -> str | None:
    for fmt, suffixes in (("acl", (".xml",)), ("crossref", (".json", ".json.gz")),
                          ("openalex", (".gz", ".jsonl"))):
        files = source_files(path, suffixes)
        if files and _sniff_file(files[0]) == fmt:
            return fmt
    return None


def detect_format(path: Path) -> str:
    """Guess a source's format from its name and first characters (a directory from its files)."""
    fmt = _sniff_directory(path) if path.is_dir() else _sniff_file(path)
    if fmt is None:
        raise SourceError(
            f"cannot tell the format of {path}; pass --from with one of: "
            f"{', '.join(sorted(IMPORTERS))}"
        )
    return fmt


def read_records(path: Path, format: str | None = None,
                 stats: ImportStats | None = None) -> Iterator[Record]:
    """Stream the records of one source (a file, or a directory for ``DIRECTORY_FORMATS``)."""
    if not path.exists():
        raise SourceError(f"source not found: {path}")
    fmt = format or detect_format(path)
    if fmt not in IMPORTERS:
        raise SourceError(f"unknown source format {fmt!r}; known: {', '.join(sorted(IMPORTERS))}")
    if path.is_dir() and fmt not in DIRECTORY_FORMATS:
        raise SourceError(f"source is a directory, not a file: {path} "
                          f"(only {', '.join(DIRECTORY_FORMATS)} read directories)")
    return IMPORTERS[fmt](path, stats if stats is not None else ImportStats())


__all__ = ["DIRECTORY_FORMATS", "IMPORTERS", "ImportStats", "Importer", "detect_format",
           "read_records"]
