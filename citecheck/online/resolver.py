"""Looking up citations missing from the local index in Crossref, OpenAlex, arXiv and doi.org."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Protocol, TypeVar

import requests

from citecheck.errors import OnlineError
from citecheck.online.arxiv import ARXIV_URL, ArxivClient
from citecheck.online.cache import ResponseCache
from citecheck.online.crossref import CROSSREF_URL, CrossrefClient
from citecheck.online.doiorg import DOI_URL, DoiOrgClient
from citecheck.online.http import (
    DEFAULT_BACKOFF,
    DEFAULT_MAX_REPLY_BYTES,
    DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    HttpClient,
)
from citecheck.online.openalex import OPENALEX_URL, OpenAlexClient
from citecheck.records import (
    Record,
    arxiv_from_doi,
    family_name,
    normalize_arxiv,
    normalize_doi,
)

T = TypeVar("T")

# Seconds of online lookups per citation and per run (one resolver): a verification
# run offline or against a hanging service ends within them, and the citations left
# keep their local verdicts. A DOI lookup answers in well under a second when online.
DEFAULT_CITATION_BUDGET = 5.0
DEFAULT_RUN_BUDGET = 10.0
BUDGET_ENV = "CITECHECK_ONLINE_BUDGET"
# Base URLs can be pointed elsewhere (a mirror, a proxy, a test server).
URL_ENV = {"crossref": "CITECHECK_CROSSREF_URL", "openalex": "CITECHECK_OPENALEX_URL",
           "arxiv": "CITECHECK_ARXIV_URL", "doi.org": "CITECHECK_DOI_URL"}


def _url(service: str, given: str | None, default: str) -> str:
    return given or os.environ.get(URL_ENV[service]) or default


def _run_budget(given: float | None) -> float:
    if given is not None:
        return given
    try:
        return float(os.environ.get(BUDGET_ENV, DEFAULT_RUN_BUDGET))
    except ValueError:
        return DEFAULT_RUN_BUDGET


class LookupFields(Protocol):
    """What a citation claims; ``citecheck.extract.types.CitedFields`` has this shape."""

    @property
    def title(self) -> str | None: ...
    @property
    def authors(self) -> list[str]: ...
    @property
    def year(self) -> int | None: ...
    @property
    def doi(self) -> str | None: ...
    @property
    def arxiv(self) -> str | None: ...


@dataclass(slots=True)
class Lookup:
    """A plain :class:`LookupFields` for callers without a parsed citation."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    doi: str | None = None
    arxiv: str | None = None


@dataclass(slots=True)
class ResolveResult:
    """The records found online for one citation.

    ``via`` says which claim found them: ``"doi"`` or ``"arxiv"`` (the record *is* the
    cited identifier's work), ``"title"`` (search candidates to compare), or None when
    every service answered and none had a match.
    """

    records: list[Record]
    via: str | None = None
    services: list[str] = field(default_factory=list)
    """The services that answered, in the order asked."""


class OnlineResolver:
    """Resolve DOIs, arXiv ids and titles online; off unless a user asks for it.

    Absence is only reported (an empty ``ResolveResult``) when every service asked
    gave an answer; if nothing was found and any service failed, ``resolve`` raises
    :class:`OnlineError` with the reasons, and callers keep their local verdict.

    Each ``resolve`` ends within ``citation_budget`` seconds, and all of them together
    within ``run_budget`` (default 10 s, or ``$CITECHECK_ONLINE_BUDGET``); once that is
    spent, ``resolve`` raises OnlineError at once. Base URLs default to the real
    services, or to ``$CITECHECK_CROSSREF_URL`` and friends when set.
    """

    def __init__(self, *, cache_path: Path | str | None = None, contact: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES,
                 backoff: float = DEFAULT_BACKOFF,
                 max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
                 max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES,
                 citation_budget: float = DEFAULT_CITATION_BUDGET,
                 run_budget: float | None = None,
                 crossref_url: str | None = None, openalex_url: str | None = None,
                 arxiv_url: str | None = None, doi_url: str | None = None,
                 session: requests.Session | None = None) -> None:
        self.cache = ResponseCache(cache_path) if cache_path is not None else None
        self.http = HttpClient(contact=contact, timeout=timeout, retries=retries, backoff=backoff,
                               max_retry_after=max_retry_after, max_reply_bytes=max_reply_bytes,
                               cache=self.cache, session=session)
        self.crossref = CrossrefClient(self.http, _url("crossref", crossref_url, CROSSREF_URL))
        self.openalex = OpenAlexClient(self.http, _url("openalex", openalex_url, OPENALEX_URL))
        self.arxiv = ArxivClient(self.http, _url("arxiv", arxiv_url, ARXIV_URL))
        self.doi_org = DoiOrgClient(self.http, _url("doi.org", doi_url, DOI_URL))
        self.citation_budget = citation_budget
        self.run_budget = _run_budget(run_budget)
        self._spent = 0.0
        self._spent_lock = threading.Lock()

    @property
    def spent(self) -> float:
        """Seconds spent on lookups so far, across threads."""
        with self._spent_lock:
            return self._spent

    def resolve(self, fields: LookupFields) -> ResolveResult:
        """Look a citation up by DOI, then arXiv id, then title, within the time budgets."""
        left = self.run_budget - self.spent
        if left <= 0:
            raise OnlineError(f"online lookups skipped: the run's {self.run_budget:g} s online "
                              "budget is spent")
        started = time.monotonic()
        try:
            with self.http.deadline(started + min(self.citation_budget, left)):
                return self._resolve(fields)
        finally:
            with self._spent_lock:
                self._spent += time.monotonic() - started

    def _resolve(self, fields: LookupFields) -> ResolveResult:
        attempt = _Attempt()
        doi = normalize_doi(fields.doi)
        arxiv = normalize_arxiv(fields.arxiv) or arxiv_from_doi(doi)
        if arxiv:
            datacite_doi = f"10.48550/arxiv.{arxiv}"  # arXiv's DOI, which OpenAlex indexes
            found = attempt.first(("arxiv", lambda: self.arxiv.eprint(arxiv)),
                                  ("openalex", lambda: self.openalex.work(datacite_doi)))
            if found:
                return attempt.result([found], "arxiv")
        if doi and not arxiv_from_doi(doi):
            # doi.org knows every registered DOI, so its 404 ends the search; OpenAlex is
            # asked only when doi.org could not answer.
            found = attempt.first(("crossref", lambda: self.crossref.work(doi)),
                                  ("doi.org", lambda: self.doi_org.work(doi)))
            if found is None and "doi.org" in attempt.failed:
                found = attempt.first(("openalex", lambda: self.openalex.work(doi)))
            if found:
                return attempt.result([found], "doi")
        query = search_query(fields)
        if query:
            for name, search in (("crossref", self.crossref.search),
                                 ("openalex", self.openalex.search)):
                candidates = attempt.call(name, partial(search, query))
                if candidates:
                    return attempt.result(candidates, "title")
        if attempt.failed:
            raise OnlineError("online lookup failed: " + "; ".join(attempt.reasons))
        return attempt.result([], None)

    def close(self) -> None:
        self.http.close()
        if self.cache is not None:
            self.cache.close()

    def __enter__(self) -> OnlineResolver:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def search_query(fields: LookupFields) -> str:
    """A bibliographic query: the title, the first author's family name and the year."""
    if not fields.title:
        return ""
    parts = [fields.title]
    if fields.authors:
        parts.append(family_name(fields.authors[0]))
    if fields.year:
        parts.append(str(fields.year))
    return " ".join(part for part in parts if part)


class _Attempt:
    """The services asked during one resolve: who answered and why others failed."""

    def __init__(self) -> None:
        self.answered: list[str] = []
        self.failed: list[str] = []
        self.reasons: list[str] = []

    def call(self, name: str, lookup: Callable[[], T]) -> T | None:
        try:
            answer = lookup()
        except OnlineError as exc:
            self.failed.append(name)
            self.reasons.append(str(exc))
            return None
        self.answered.append(name)
        return answer

    def first(self, *lookups: tuple[str, Callable[[], Record | None]]) -> Record | None:
        for name, lookup in lookups:
            found = self.call(name, lookup)
            if found is not None:
                return found
        return None

    def result(self, records: list[Record], via: str | None) -> ResolveResult:
        return ResolveResult(records=records, via=via, services=list(self.answered))
