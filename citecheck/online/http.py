"""Polite, bounded HTTP GETs for the resolvers: contact User-Agent, deadlines, size caps, retries, cache."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from typing import TypeVar
from urllib.parse import urlencode

import requests
import urllib3

from citecheck.errors import OnlineError
from citecheck.online.cache import ResponseCache

T = TypeVar("T")

CONTACT_ENV = "CITECHECK_CONTACT"
# Wall-clock seconds for one request, connect to last byte (not per read: a server
# dripping a byte every 2 s held a per-read timeout for 58 s).
DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 1.0
# Crossref's largest work replies (thousands of references) are a few hundred KB; a
# reply over this is not metadata, and reading it whole cost +100 MB at 50 MB.
DEFAULT_MAX_REPLY_BYTES = 2_000_000
_CHUNK = 65_536
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
    """GETs with retries and a reply cache; a 404 is an answer (``None``), not an error.

    Every request ends by its wall-clock timeout and by the caller's deadline, and a
    reply is read in chunks up to ``max_reply_bytes``. A service that refuses the
    connection is not asked again by this client: being offline does not pass in
    seconds, and retrying it cost 38 s a run.
    """

    def __init__(self, *, contact: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 retries: int = DEFAULT_RETRIES, backoff: float = DEFAULT_BACKOFF,
                 max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
                 max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES,
                 cache: ResponseCache | None = None, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.contact = contact if contact is not None else os.environ.get(CONTACT_ENV)
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.max_reply_bytes = max_reply_bytes
        self.cache = cache
        self._unreachable: dict[str, str] = {}
        self._local = threading.local()
        self.session = session or requests.Session()
        self.sleep = sleep
        self.session.headers["User-Agent"] = self.user_agent

    @contextmanager
    def deadline(self, when: float) -> Iterator[None]:
        """Requests made by this thread inside the block end by ``when`` (monotonic seconds)."""
        previous = getattr(self._local, "deadline", None)
        self._local.deadline = when if previous is None else min(when, previous)
        try:
            yield
        finally:
            self._local.deadline = previous

    @property
    def user_agent(self) -> str:
        contact = f" (mailto:{self.contact})" if self.contact else ""
        return f"citecheck/{_package_version()}{contact}"

    def get(self, service: str, url: str, parse: Callable[[str], T], *,
            params: Mapping[str, str] | None = None, accept: str | None = None,
            deadline: float | None = None) -> T | None:
        """GET ``url`` and ``parse`` its body; None on 404; OnlineError on any failure.

        ``deadline`` (``time.monotonic()`` seconds) bounds the request and its retries.

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
        if deadline is None:
            deadline = getattr(self._local, "deadline", None)
        status, body = self._fetch(service, url, params, accept, deadline)
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
               accept: str | None, deadline: float | None) -> tuple[int, str]:
        if service in self._unreachable:
            raise OnlineError(f"{service}: {self._unreachable[service]} (not asked again)")
        headers = {"Accept": accept} if accept else {}
        problem = ""
        attempts = 0
        for attempt in range(self.retries + 1):
            seconds = self.timeout if deadline is None else min(self.timeout,
                                                                deadline - time.monotonic())
            if seconds <= 0:
                problem = problem or "no time left in the online budget"
                break
            attempts += 1
            wait = self.backoff * 2 ** attempt
            try:
                status, body, retry_after = self._request(url, params, headers, seconds)
            except _TooLarge as exc:
                raise OnlineError(f"{service}: reply over {self.max_reply_bytes} bytes "
                                  f"({exc}) from {url}") from None
            except (requests.Timeout, _Overtime):
                problem = f"timed out after {seconds:g}s"
            except _Broken as exc:
                problem = f"connection broken while reading ({exc})"
            except requests.ConnectionError as exc:
                self._unreachable[service] = f"connection failed ({exc.__class__.__name__})"
                raise OnlineError(f"{service}: {self._unreachable[service]} for {url}") from None
            except requests.RequestException as exc:
                problem = f"request failed ({exc.__class__.__name__})"
            else:
                if status in (OK, NOT_FOUND):
                    return status, body
                if status not in RETRY_STATUSES:
                    raise OnlineError(f"{service}: HTTP {status} from {url}")
                problem = f"HTTP {status}"
                if retry_after is not None:
                    wait = min(retry_after, self.max_retry_after)
            if attempt < self.retries:
                if deadline is not None and time.monotonic() + wait >= deadline:
                    break  # the wait alone would outlast the budget
                self.sleep(wait)
        raise OnlineError(f"{service}: {problem} ({attempts} attempts) for {url}")

    def _headers_within(self, url: str, params: Mapping[str, str],
                        headers: Mapping[str, str], seconds: float) -> requests.Response:
        """The reply, its status line and headers read within ``seconds`` of wall-clock time.

        requests bounds each read, so a server dripping its headers a byte at a time could
        hold a request forever; the GET runs in a helper thread, and waiting for it stops at
        the deadline (the abandoned thread ends at the server's next stall or the socket's
        own per-read timeout).
        """
        done: Future[requests.Response] = Future()

        def fetch() -> None:
            try:
                done.set_result(self.session.get(url, params=params, headers=headers,
                                                 timeout=seconds, stream=True))
            except BaseException as exc:  # handed to the waiting caller
                done.set_exception(exc)

        threading.Thread(target=fetch, name="citecheck-http", daemon=True).start()
        try:
            return done.result(timeout=seconds)
        except FutureTimeout:
            raise _Overtime from None

    def _request(self, url: str, params: Mapping[str, str], headers: Mapping[str, str],
                 seconds: float) -> tuple[int, str, float | None]:
        """One GET finished within ``seconds`` of wall-clock time, read up to the size cap."""
        ends = time.monotonic() + seconds
        with self._headers_within(url, params, headers, seconds) as reply:
            declared = reply.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_reply_bytes:
                raise _TooLarge(f"declared {declared}")
            chunks: list[bytes] = []
            size = 0
            raw = reply.raw
            while True:
                left = ends - time.monotonic()
                if left <= 0:
                    raise _Overtime
                _set_read_timeout(raw, left)
                try:
                    # read1 returns what has arrived: read() would wait for a full chunk.
                    chunk = raw.read1(_CHUNK, decode_content=True)
                except (urllib3.exceptions.ReadTimeoutError, TimeoutError):
                    raise _Overtime from None
                except (urllib3.exceptions.HTTPError, OSError) as exc:
                    raise _Broken(exc.__class__.__name__) from None
                if not chunk:
                    break
                size += len(chunk)
                if size > self.max_reply_bytes:
                    raise _TooLarge(f"more than {self.max_reply_bytes} read")
                chunks.append(chunk)
            encoding = reply.encoding or "utf-8"
            body = b"".join(chunks).decode(encoding, errors="replace")
            return (reply.status_code, body,
                    retry_after_seconds(reply.headers.get("Retry-After")))

    def close(self) -> None:
        self.session.close()


class _TooLarge(Exception):
    """A reply over the size cap."""


class _Overtime(Exception):
    """A request past its wall-clock time."""


class _Broken(Exception):
    """A connection that failed after the reply began."""


def _set_read_timeout(raw: object, seconds: float) -> None:
    """Shorten the socket timeout of a streamed reply, so no read outlasts the request."""
    # urllib3 hands the socket to http.client's reply once the headers are read:
    # raw._fp (http.client.HTTPResponse) .fp (buffered reader) .raw (SocketIO) ._sock.
    reply = getattr(raw, "_fp", None)
    socket_io = getattr(getattr(reply, "fp", None), "raw", None)
    sock = getattr(socket_io, "_sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 0.001))
