"""Crossref's REST API: a work by DOI and a bibliographic search, mapped like the importer."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from citecheck.online.http import HttpClient
from citecheck.records import Record
from citecheck.sources.crossref import record_from_crossref

CROSSREF_URL = "https://api.crossref.org"
SEARCH_ROWS = 5
# Only the fields the mapping reads: Crossref asks clients to keep list replies small.
SELECT = "DOI,title,author,issued,published-print,published-online,created,container-title,type,URL"


def _message(body: str) -> Any:
    message = json.loads(body)["message"]
    if not isinstance(message, dict):
        raise ValueError("message is not an object")
    return message


def _work(body: str) -> Record | None:
    return record_from_crossref(_message(body), source="crossref")


def _works(body: str) -> list[Record]:
    items = _message(body).get("items")
    if not isinstance(items, list):
        raise ValueError("message has no items list")
    records = (record_from_crossref(item, source="crossref") for item in items
               if isinstance(item, dict))
    return [record for record in records if record is not None]


class CrossrefClient:
    """Crossref lookups through a shared :class:`HttpClient`."""

    name = "crossref"

    def __init__(self, http: HttpClient, base_url: str = CROSSREF_URL) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")

    def _params(self, **extra: str) -> dict[str, str]:
        # ``mailto`` routes polite clients to Crossref's faster, more reliable pool.
        return {**extra, "mailto": self.http.contact} if self.http.contact else extra

    def work(self, doi: str) -> Record | None:
        url = f"{self.base_url}/works/{quote(doi, safe='/:;()')}"
        return self.http.get(self.name, url, _work, params=self._params())

    def search(self, query: str, rows: int = SEARCH_ROWS) -> list[Record]:
        params = self._params(**{"query.bibliographic": query, "rows": str(rows),
                                 "select": SELECT})
        return self.http.get(self.name, f"{self.base_url}/works", _works, params=params) or []
