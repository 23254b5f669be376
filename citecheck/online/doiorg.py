"""doi.org content negotiation: CSL-JSON for any registered DOI (Crossref, DataCite, mEDRA)."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote

from citecheck.online.http import HttpClient
from citecheck.records import Record
from citecheck.sources.csljson import record_from_csl

DOI_URL = "https://doi.org"
CSL_JSON = "application/vnd.citationstyles.csl+json"


def _csl(doi: str) -> Callable[[str], Record | None]:
    """A parser of the CSL reply that names the record by the DOI asked for."""

    def parse(body: str) -> Record | None:
        item = json.loads(body)
        if not isinstance(item, dict):
            raise ValueError("CSL item is not an object")
        return record_from_csl(item, source="doi.org", record_id=f"doi:{doi}")
    return parse


class DoiOrgClient:
    """Metadata for a DOI from its registration agency, via doi.org."""

    name = "doi.org"

    def __init__(self, http: HttpClient, base_url: str = DOI_URL) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")

    def work(self, doi: str) -> Record | None:
        url = f"{self.base_url}/{quote(doi, safe='/:;()')}"
        return self.http.get(self.name, url, _csl(doi), accept=CSL_JSON)
