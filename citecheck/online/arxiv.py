"""arXiv's Atom API (``/api/query?id_list=``), mapped like the snapshot importer."""

from __future__ import annotations

from citecheck.online.http import HttpClient
from citecheck.records import Record, parse_year
from citecheck.sources.arxiv import arxiv_record

ARXIV_URL = "http://export.arxiv.org/api/query"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"


def records_from_atom(body: str) -> list[Record]:
    """The e-prints of an arXiv Atom feed; error entries (bad ids) are left out."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        feed = etree.fromstring(body.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not an Atom feed: {exc}") from None
    if feed.tag != f"{ATOM}feed":
        raise ValueError(f"not an Atom feed: root is {feed.tag}")
    records = []
    for entry in feed.iter(f"{ATOM}entry"):
        entry_id = entry.findtext(f"{ATOM}id") or ""
        if "/abs/" not in entry_id:  # arXiv reports bad ids as an entry with an errors URL
            continue
        record = arxiv_record(
            entry_id.split("/abs/", 1)[1], entry.findtext(f"{ATOM}title") or "",
            [author.findtext(f"{ATOM}name") or "" for author in entry.iter(f"{ATOM}author")],
            year=parse_year(entry.findtext(f"{ATOM}published")),
            doi=entry.findtext(f"{ARXIV_NS}doi"),
            journal_ref=entry.findtext(f"{ARXIV_NS}journal_ref"),
            source="arxiv",
        )
        if record is not None:
            records.append(record)
    return records


class ArxivClient:
    """arXiv lookups through a shared :class:`HttpClient`."""

    name = "arxiv"

    def __init__(self, http: HttpClient, base_url: str = ARXIV_URL) -> None:
        self.http = http
        self.base_url = base_url

    def eprint(self, arxiv: str) -> Record | None:
        params = {"id_list": arxiv, "max_results": "1"}
        records = self.http.get(self.name, self.base_url, records_from_atom, params=params)
        return records[0] if records else None
