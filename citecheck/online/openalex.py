"""OpenAlex's API: a work by DOI and a title search, mapped like the snapshot importer."""

from __future__ import annotations

import json
from urllib.parse import quote

from citecheck.online.http import HttpClient
from citecheck.records import Record
from citecheck.sources.openalex import record_from_openalex

OPENALEX_URL = "https://api.openalex.org"
SEARCH_ROWS = 5


def _work(body: str) -> Record | None:
    work = json.loads(body)
    if not isinstance(work, dict):
        raise ValueError("work is not an object")
    return record_from_openalex(work, source="openalex")


def _works(body: str) -> list[Record]:
    results = json.loads(body)["results"]
    if not isinstance(results, list):
        raise ValueError("results is not a list")
    records = (record_from_openalex(work, source="openalex") for work in results
               if isinstance(work, dict))
    return [record for record in records if record is not None]


class OpenAlexClient:
    """OpenAlex lookups through a shared :class:`HttpClient`."""

    name = "openalex"

    def __init__(self, http: HttpClient, base_url: str = OPENALEX_URL) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")

    def _params(self, **extra: str) -> dict[str, str]:
        return {**extra, "mailto": self.http.contact} if self.http.contact else extra

    def work(self, doi: str) -> Record | None:
        url = f"{self.base_url}/works/doi:{quote(doi, safe='/:;()')}"
        return self.http.get(self.name, url, _work, params=self._params())

    def search(self, query: str, rows: int = SEARCH_ROWS) -> list[Record]:
        params = self._params(search=query, **{"per-page": str(rows)})
        return self.http.get(self.name, f"{self.base_url}/works", _works, params=params) or []
