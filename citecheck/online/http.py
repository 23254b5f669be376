"""Polite HTTP GETs for the resolvers: User-Agent with contact, timeouts, retries, cache."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from typing import TypeVar
from urllib.parse import urlencode

import requests

from citecheck.errors import OnlineError
from citecheck.online.cache import ResponseCache

T = TypeVar("T")

CONTACT_ENV = "CITECHECK_CONTACT"
DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 1.0
# Crossref asks clients to back off when told to; waiting longer than this would stall
# a whole verification run for one citation, so the wait is capped.
DEFAULT_MAX_RETRY_AFTER = 60.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
NOT_FOUND = 404
OK = 200
# Parameters that identify the caller, not the question: left out of cache keys.
_UNCACHED_PARAMS = frozenset({"mailto"})


def _package_version() -> str:
    try:
        return version("citecheck-verifier")
    except PackageNotFoundError:
        return "0"


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
    except (TypeError, ValueError, IndexError):
        return None


class HttpClient:
    """GETs with retries and a reply cache; a 404 is an answer (``None``), not an error."""

    def __init__(self, *, contact: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 retries: int = DEFAULT_RETRIES, backoff: float = DEFAULT_BACKOFF,
                 max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
                 cache: ResponseCache | None = None, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.contact = contact if contact is not None else os.environ.get(CONTACT_ENV)
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.cache = cache
        self.session = session or requests.Session()
        self.sleep = sleep
        self.session.headers["User-Agent"] = self.user_agent

    @property
    def user_agent(self) -> str:
        contact = f" (mailto:{self.contact})" if self.contact else ""
        return f"citecheck/{_package_version()}{contact}"

    def get(self, service: str, url: str, parse: Callable[[str], T], *,
            params: Mapping[str, str] | None = None, accept: str | None = None) -> T | None:
        """GET ``url`` and ``parse`` its body; None on 404; OnlineError on any failure.

        Only replies that parse are cached, so a garbled reply is retried next time.
        """
        params = dict(params or {})
        key = self._cache_key(url, params, accept)
        cached = self.cache.get(key) if self.cache else None
        if cached is not None:
            status, body = cached
            if status == NOT_FOUND:
                return None
            try:
                return parse(body)
            except (ValueError, KeyError, TypeError):
                pass  # written by an older parser: fetch afresh
        status, body = self._fetch(service, url, params, accept)
        if status == NOT_FOUND:
            if self.cache:
                self.cache.put(key, status, "")
            return None
        try:
            parsed = parse(body)
        except (ValueError, KeyError, TypeError) as exc:
            raise OnlineError(f"{service}: malformed reply from {url}: {exc}") from None
        if self.cache:
            self.cache.put(key, status, body)
        return parsed

    def _cache_key(self, url: str, params: Mapping[str, str], accept: str | None) -> str:
        kept = sorted((k, v) for k, v in params.items() if k not in _UNCACHED_PARAMS)
        return f"{url}?{urlencode(kept)}|{accept or ''}"

    def _fetch(self, service: str, url: str, params: Mapping[str, str],
               accept: str | None) -> tuple[int, str]:
        headers = {"Accept": accept} if accept else {}
        problem = ""
        for attempt in range(self.retries + 1):
            wait = self.backoff * 2 ** attempt
            try:
                reply = self.session.get(url, params=params, headers=headers, timeout=self.timeout)
            except requests.Timeout:
                problem = f"timed out after {self.timeout:g}s"
            except requests.RequestException as exc:
                problem = f"connection failed ({exc.__class__.__name__})"
            else:
                if reply.status_code in (OK, NOT_FOUND):
                    return reply.status_code, reply.text
                if reply.status_code not in RETRY_STATUSES:
                    raise OnlineError(f"{service}: HTTP {reply.status_code} from {url}")
                problem = f"HTTP {reply.status_code}"
                told = retry_after_seconds(reply.headers.get("Retry-After"))
                if told is not None:
                    wait = min(told, self.max_retry_after)
            if attempt < self.retries:
                self.sleep(wait)
        raise OnlineError(f"{service}: {problem} ({self.retries + 1} attempts) for {url}")

    def close(self) -> None:
        self.session.close()
