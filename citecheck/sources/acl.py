"""ACL Anthology XML (`data/xml/*.xml`: collection > volume > paper); a directory is one source."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citecheck.records import Record, normalize_doi, parse_year
from citecheck.sources.base import ImportStats, source_files

ANTHOLOGY_URL = "https://aclanthology.org/"
# Old-style ids ("P19-1001", "W19-3801") pack volume and paper number into 4 digits.
_OLD_STYLE = re.compile(r"^[A-Z]\d{2}$")
_OLD_NUMBER_DIGITS = 4


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def anthology_id(collection: str, volume: str, paper: str) -> str:
    """The Anthology id of a paper ("2020.acl", "main", "1" -> "2020.acl-main.1")."""
    if _OLD_STYLE.match(collection) and paper.isdigit():
        width = max(_OLD_NUMBER_DIGITS - len(volume), 1)
        return f"{collection}-{volume}{int(paper):0{width}d}"
    return f"{collection}-{volume}.{paper}"


def _person(element: Any) -> str:
    first = _text(element.find("first"))
    last = _text(element.find("last"))
    return " ".join(part for part in (first, last) if part) or _text(element)


def record_from_acl_paper(paper: Any, collection: str, volume: str, meta: dict[str, str],
                          source: str | None = None) -> Record | None:
    """Map one ``<paper>`` element to a Record; None when it has no title."""
    title = _text(paper.find("title"))
    paper_id = paper.get("id")
    if not title or not paper_id:
        return None
    ident = anthology_id(collection, volume, paper_id)
    url = _text(paper.find("url"))
    if url and not url.startswith("http"):
        ident, url = url, ANTHOLOGY_URL + url  # the url element holds the canonical id
    volume_type = meta.get("type", "proceedings")
    return Record(
        id=f"acl:{ident}", title=title,
        authors=[name for name in map(_person, paper.findall("author")) if name],
        year=parse_year(_text(paper.find("year")) or meta.get("year")),
        venue=meta.get("booktitle") or None, doi=normalize_doi(_text(paper.find("doi"))),
        arxiv=None, url=url or ANTHOLOGY_URL + ident,
        type="article" if volume_type == "journal" else "inproceedings", source=source,
    )


def read_acl(path: Path, stats: ImportStats) -> Iterator[Record]:
    files = source_files(path, (".xml",)) if path.is_dir() else [path]
    for file in files:
        yield from _read_collection(file, stats)


def _read_collection(path: Path, stats: ImportStats) -> Iterator[Record]:
    from lxml import etree

    collection = volume = ""
    meta: dict[str, str] = {}
    try:
        for event, element in etree.iterparse(
                str(path), events=("start", "end"), tag=("collection", "volume", "meta", "paper"),
                no_network=True):
            if event == "start":
                if element.tag == "collection":
                    collection = element.get("id", path.stem)
                elif element.tag == "volume":
                    volume, meta = element.get("id", ""), {"type": element.get("type", "")}
                continue
            if element.tag == "meta":
                meta.update(booktitle=_text(element.find("booktitle")),
                            year=_text(element.find("year")))
            elif element.tag == "paper":
                record = record_from_acl_paper(element, collection, volume, meta, path.name)
                if record is None:
                    stats.skip(f"{path.name}: paper {collection}-{volume}.{element.get('id')} "
                               f"(line {element.sourceline}): no title or id")
                else:
                    stats.read += 1
                    yield record
                element.clear()
    except etree.XMLSyntaxError as exc:
        # One broken collection file should not lose the rest of the Anthology.
        stats.skip(f"{path.name}: not well-formed XML: {exc}")
