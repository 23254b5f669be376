"""DBLP's XML dump (``dblp.xml[.gz]``), streamed with lxml and cleared as it goes."""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from citecheck.errors import SourceError
from citecheck.records import Record, arxiv_from_doi, normalize_arxiv, normalize_doi, parse_year
from citecheck.records import strip_dblp_suffix as _strip_suffix
from citecheck.sources.base import ImportStats, open_binary

RECORD_TAGS = ("article", "inproceedings", "proceedings", "book", "incollection", "phdthesis")
VENUE_TAGS = ("booktitle", "journal", "school", "publisher")
DTD_NAME = "dblp.dtd"
_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]*);")
_LONGEST_ENTITY = 40
_XML_ENTITIES = {b"amp", b"lt", b"gt", b"quot", b"apos"}


class _EntityResolvingReader:
    """Bytes reader that turns HTML named entities into numeric references.

    dblp.xml declares ``&eacute;`` and friends in dblp.dtd (ISO Latin-1, the same
    names as HTML); without the DTD beside the file, this table stands in for it.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.pending = b""

    def read(self, size: int = -1) -> bytes:
        while True:
            chunk = self.raw.read(size if size and size > 0 else 1 << 16)
            data = self.pending + chunk
            self.pending = b""
            if chunk:
                # An entity may be cut at the chunk's end: keep a trailing "&name" for later.
                cut = data.rfind(b"&")
                if cut != -1 and b";" not in data[cut:] and len(data) - cut < _LONGEST_ENTITY:
                    data, self.pending = data[:cut], data[cut:]
            # An empty read means end of input to lxml, so never return one before the end.
            if data or not chunk:
                return _ENTITY.sub(_numeric_reference, data)


def _numeric_reference(match: re.Match[bytes]) -> bytes:
    name = match.group(1)
    codepoint = html.entities.name2codepoint.get(name.decode("ascii"))
    if name in _XML_ENTITIES or codepoint is None:
        return match.group(0)
    return b"&#%d;" % codepoint


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _title(element: Any) -> str:
    title = _text(element)
    # DBLP ends every title with a period that is not part of it ("Attention is All you Need.").
    if title.endswith(".") and not title.endswith(("..", " al.")):
        title = title[:-1]
    return title


def record_from_dblp(element: Any, source: str | None = None) -> Record | None:
    """Map one DBLP record element to a Record; None when it has no title."""
    fields: dict[str, list[str]] = {}
    for child in element:
        if isinstance(child.tag, str):
            value = _title(child) if child.tag == "title" else _text(child)
            fields.setdefault(child.tag, []).append(value)
    title = (fields.get("title") or [""])[0]
    key = element.get("key")
    if not title or not key:
        return None
    links = fields.get("ee", [])
    doi = next((normalize_doi(link) for link in links if "doi.org/" in link), None)
    arxiv = arxiv_from_doi(doi) or next(
        (normalize_arxiv(link) for link in links if "arxiv.org/" in link), None)
    venue = next((fields[tag][0] for tag in VENUE_TAGS if fields.get(tag)), None)
    authors = fields.get("author") or fields.get("editor") or []
    return Record(
        id=f"dblp:{key}", title=title, authors=[_strip_suffix(name) for name in authors],
        year=parse_year(next(iter(fields.get("year", [])), None)), venue=venue, doi=doi,
        arxiv=arxiv,
        url=links[0] if links else f"https://dblp.org/rec/{key}",
        type=element.tag, source=source,
    )


def read_dblp(path: Path, stats: ImportStats) -> Iterator[Record]:
    from lxml import etree

    dtd_beside = (path.parent / DTD_NAME).is_file()
    with open_binary(path) as raw:
        # lxml resolves "dblp.dtd" against the file object's name, i.e. beside the file.
        source: Any = raw if dtd_beside else _EntityResolvingReader(raw)
        events = etree.iterparse(
            source, events=("end",), tag=RECORD_TAGS, load_dtd=dtd_beside,
            resolve_entities="internal", no_network=True, huge_tree=True,
        )
        try:
            for _, element in events:
                record = record_from_dblp(element, source=path.name)
                if record is None:
                    stats.skip(f"{element.get('key') or element.tag} "
                               f"(line {element.sourceline}): no title or key")
                else:
                    stats.read += 1
                    yield record
                # Free the record and everything before it (``www`` person pages included).
                element.clear()
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
        except etree.XMLSyntaxError as exc:
            raise SourceError(f"{path} is not well-formed XML: {exc}") from None
