"""The HTTP service: a FastAPI app over one shared Verifier (needs the ``service`` extra)."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from citecheck.errors import CitecheckError, DeadlineError, IndexError_
from citecheck.extract import Citation, extract
from citecheck.report import IndexInfo
from citecheck.verifier import Verifier

# Generated answers are kilobytes; 1 MB holds a batch of a few hundred of them.
MAX_BODY_BYTES = 1_000_000
# An answer cites tens of works; a batch of a few hundred answers stays under this. The
# 990 KB body of issue 13 held 28 k citations and a worker for 130 s.
MAX_CITATIONS = 2_000
# Verifying a batch at the cap takes a few seconds here (benchmarks/robustness.py); a
# request still running after this is answered 504 so no client waits forever.
REQUEST_TIMEOUT = 30.0
# One verification uses a core; more workers than cores only add latency.
WORKERS = max(1, min(4, os.cpu_count() or 1))
# Requests waiting for a worker beyond this are turned away at once with 429.
QUEUE_LIMIT = 16
# A client gets this long to send its headers, and then its body: a slow or short client
# (a body stopping before its Content-Length) otherwise holds a socket forever.
HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 10.0
# uvicorn answers 503 to connections beyond this, bounding sockets and memory.
MAX_CONNECTIONS = 256
API_KEY_ENV = "CITECHECK_API_KEY"
# Liveness probes run without credentials and learn only a record count.
OPEN_PATHS = frozenset({"/health"})

InputFormat = Literal["text", "markdown", "bibtex", "latex", "html"]
log = logging.getLogger("citecheck.service")


@dataclass(slots=True)
class ServiceLimits:
    """Every bound the service enforces; the defaults are the module constants."""

    max_body_bytes: int = MAX_BODY_BYTES
    max_citations: int = MAX_CITATIONS
    request_timeout: float = REQUEST_TIMEOUT
    workers: int = WORKERS
    queue_limit: int = QUEUE_LIMIT
    header_timeout: float = HEADER_TIMEOUT
    body_timeout: float = BODY_TIMEOUT
    max_connections: int = MAX_CONNECTIONS
    api_key: str | None = None
    cors_origins: list[str] = field(default_factory=list)


class VerifyRequest(BaseModel):
    """One text to verify."""

    text: str = Field(min_length=1, description="The text whose citations are verified.")
    format: InputFormat | None = Field(None, description="Input format; detected when omitted.")


class BatchItemRequest(BaseModel):
    """One text of a batch, with the caller's id for it."""

    id: str | int
    text: str


class BatchRequest(BaseModel):
    """Several texts, verified with their embeddings batched."""

    items: list[BatchItemRequest] = Field(min_length=1)


class Refused(Exception):
    """A request the service answers with an error status and a JSON ``detail``."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


def _error(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def strict_json_problem(body: bytes) -> str:
    """Why ``body`` is not strict JSON (UTF-8, no NaN/Infinity, no lone surrogates), or "".

    Python's json accepts NaN and "\\ud800"; both later broke the response (500 with a
    traceback), so they are refused here as malformed input.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"the body is not UTF-8 (byte {exc.start})"

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        value = json.loads(text, parse_constant=no_constants)
    except RecursionError:
        return "the body is nested too deeply"
    except ValueError as exc:
        return f"the body is not valid JSON ({str(exc).splitlines()[0]})"
    pending = [value]
    while pending:  # a loop, not recursion: nesting depth is the client's choice
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "the body holds a lone surrogate (\\ud800-\\udfff), which is not text"
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return ""


class RequestGuard:
    """ASGI middleware: API key, body size and time limits, strict JSON, no tracebacks out.

    The body is read up front (it is small by construction), so a client sending more
    than it declared, streaming without a length, or stopping short is cut off.
    """

    def __init__(self, app: ASGIApp, limits: ServiceLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._guarded(scope, receive, tracked_send)
        except Exception as exc:  # the last line of defence: one log line, a JSON 500
            log.error("internal error on %s %s: %s: %s", scope.get("method"), scope.get("path"),
                      type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
            if not started:
                await _error(500, "internal error; the service log has one line about it")(
                    scope, receive, send)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"])
        key = self.limits.api_key
        if key and scope["path"] not in OPEN_PATHS and scope["method"] != "OPTIONS":
            given = headers.get(b"x-api-key", b"")
            bearer = headers.get(b"authorization", b"")
            if bearer.lower().startswith(b"bearer "):
                given = bearer[7:].strip()
            if not hmac.compare_digest(given, key.encode("utf-8")):
                await _error(401, "missing or wrong API key (send X-API-Key or Authorization: "
                                  "Bearer)", {"WWW-Authenticate": "Bearer"})(scope, receive, send)
                return
        limit = self.limits.max_body_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, 413, f"request body is over the {limit}-byte "
                               "limit")
            return
        try:
            async with asyncio.timeout(self.limits.body_timeout):
                body = await self._read_body(receive, limit)
        except TimeoutError:
            await self._refuse(scope, receive, send, 408, "the request body did not arrive within "
                               f"{self.limits.body_timeout:g} s")
            return
        except _Disconnected:
            return  # nobody to answer
        if body is None:
            await self._refuse(scope, receive, send, 413, f"request body is over the {limit}-byte "
                               "limit")
            return
        if scope["method"] == "POST":
            problem = strict_json_problem(body)
            if problem:
                await _error(422, problem)(scope, receive, send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    async def _read_body(receive: Receive, limit: int) -> bytes | None:
        """The whole body, or None once it passes ``limit`` bytes."""
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, status: int,
                      detail: str) -> None:
        # The rest of the body is never read, so the connection cannot be reused.
        await _error(status, detail, {"Connection": "close"})(scope, receive, send)


class _Disconnected(Exception):
    """The client went away before its body arrived."""


class WorkerPool:
    """A fixed set of verification threads with a bounded queue in front of them.

    A slot is held until the work really ends, even when its client was already
    answered 504: abandoned work still uses a core, so it must count against the queue.
    Jobs watch their deadline and stop soon after it, so that is not long.
    """

    def __init__(self, workers: int, queue_limit: int) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers,
                                            thread_name_prefix="citecheck-verify")
        self.capacity = workers + queue_limit
        self._admitted = 0
        self._lock = threading.Lock()

    def submit(self, job: Callable[[], bytes]) -> Future[bytes] | None:
        """Start ``job`` when a worker is free; None when the queue is full."""
        with self._lock:
            if self._admitted >= self.capacity:
                return None
            self._admitted += 1
        future = self._executor.submit(job)
        future.add_done_callback(self._release)
        return future

    def _release(self, future: Future[bytes]) -> None:
        with self._lock:
            self._admitted -= 1

    @property
    def busy(self) -> int:
        with self._lock:
            return self._admitted

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def public_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest without the machine's paths: sources are named by file name only."""
    sources = []
    for source in manifest.get("sources", []):
        entry = dict(source)
        if "path" in entry:
            entry["path"] = os.path.basename(str(entry["path"]).rstrip("/\\"))
        sources.append(entry)
    return {**manifest, "sources": sources}


def bind_warning(host: str, *, api_key: bool = False) -> str | None:
    """A warning when ``host`` is reachable from other machines, else None."""
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass  # a host name: it may resolve to anything
    advice = "put it behind a TLS proxy" if api_key else (
        "put it behind a TLS proxy and set --api-key (or CITECHECK_API_KEY)")
    return f"serving on {host}, which other machines can reach: citecheck has no TLS; {advice}"


def create_app(verifier: Verifier, *, max_body_bytes: int | None = None,
               limits: ServiceLimits | None = None) -> FastAPI:
    """The app; ``verifier`` (model and index) is loaded once by the caller and shared."""
    limits = limits or ServiceLimits()
    if max_body_bytes is not None:
        limits = replace(limits, max_body_bytes=max_body_bytes)
    verifier.warm_up()
    pool = WorkerPool(limits.workers, limits.queue_limit)
    # The report names the index by its directory name: the full path is the machine's.
    index_info = IndexInfo(verifier.index.path.name, verifier.index.manifest.count,
                           verifier.index.manifest.model)
    app = FastAPI(title="citecheck", summary="Verify citations against verified records.",
                  version="1")
    app.add_middleware(RequestGuard, limits=limits)
    if limits.cors_origins:  # off unless configured: browsers may not call it from elsewhere
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=limits.cors_origins,
                           allow_methods=["GET", "POST"],
                           allow_headers=["content-type", "authorization", "x-api-key"])
    app.router.on_shutdown.append(pool.shutdown)

    @app.exception_handler(CitecheckError)
    def citecheck_error(request: Request, exc: CitecheckError) -> JSONResponse:
        status = 503 if isinstance(exc, IndexError_) else 400
        return _error(status, str(exc))

    @app.exception_handler(Refused)
    def refused(request: Request, exc: Refused) -> JSONResponse:
        return _error(exc.status, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # Without the offending input: it may be huge, or not even encodable as JSON.
        errors = [{"loc": list(error.get("loc", ())), "msg": str(error.get("msg", "")),
                   "type": str(error.get("type", ""))} for error in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    def within_limits(extracted: list[list[Citation]], deadline: float) -> None:
        count = sum(len(citations) for citations in extracted)
        if count > limits.max_citations:
            raise Refused(413, f"the request holds {count} citations, the limit is "
                               f"{limits.max_citations}; split it into smaller requests")
        if time.monotonic() > deadline:
            raise Refused(504, "the time budget ran out before verification started")

    async def run(job: Callable[[float], bytes]) -> Response:
        """Run ``job(deadline)`` on the pool within the time budget; 429 when it is full."""
        deadline = time.monotonic() + limits.request_timeout
        future = pool.submit(lambda: job(deadline))
        if future is None:
            raise Refused(429, f"all {limits.workers} workers are busy and {limits.queue_limit} "
                               "requests are waiting; retry shortly", {"Retry-After": "1"})
        try:
            async with asyncio.timeout(limits.request_timeout):
                body = await asyncio.wrap_future(future)
        except (TimeoutError, DeadlineError):
            # The job also watches the deadline, and stops soon after it (DeadlineError,
            # if it noticed first): an abandoned request does not hold its worker to the end.
            raise Refused(504, f"verification took longer than the {limits.request_timeout:g} s "
                               "budget; send fewer or shorter texts") from None
        return Response(body, media_type="application/json")

    def encode(content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False).encode("utf-8")

    @app.get("/health")
    async def health() -> dict[str, Any]:
        """Liveness, with the record count and the verifications admitted now.

        Async and off the worker pool, so it answers while every worker is busy.
        """
        return {"status": "ok", "records": verifier.index.manifest.count,
                "admitted": pool.busy, "capacity": pool.capacity}

    @app.get("/index")
    async def index() -> dict[str, Any]:
        """The index manifest: sources (by file name), model, counts, coverage."""
        return public_manifest(verifier.index.manifest.to_dict())

    @app.post("/verify", response_model=None)
    async def verify(request: VerifyRequest) -> Response:
        """Verify every citation in one text; the JSON report."""

        def job(deadline: float) -> bytes:
            extracted = [extract(request.text, format=request.format)]
            within_limits(extracted, deadline)
            report = verifier.verify_extracted(extracted, deadline=deadline)[0]
            report.source, report.index = "<request>", index_info
            return encode(report.to_dict())

        return await run(job)

    @app.post("/verify/batch", response_model=None)
    async def verify_batch(request: BatchRequest) -> Response:
        """Verify several texts; one JSON report per item, in order, each with its id."""

        def job(deadline: float) -> bytes:
            extracted = []
            for item in request.items:
                extracted.append(extract(item.text))
                within_limits(extracted, deadline)
            answers = []
            reports = verifier.verify_extracted(extracted, deadline=deadline)
            for item, report in zip(request.items, reports, strict=True):
                report.source, report.index = str(item.id), index_info
                answers.append({"id": item.id, **report.to_dict()})
            return encode(answers)

        return await run(job)

    return app


def server_config(app: ASGIApp, *, host: str = "127.0.0.1", port: int = 8000,
                  limits: ServiceLimits | None = None, log_level: str = "info") -> Any:
    """A ``uvicorn.Config`` with the header timeout and the connection bound applied."""
    import uvicorn

    limits = limits or ServiceLimits()
    return uvicorn.Config(app, host=host, port=port, log_level=log_level,
                          http=header_timeout_protocol(limits.header_timeout),
                          limit_concurrency=limits.max_connections, timeout_keep_alive=5)


def header_timeout_protocol(seconds: float) -> type:
    """uvicorn's h11 protocol, closing connections whose request headers are slower than ``seconds``.

    uvicorn times out idle keep-alive connections but not a client that opens a
    connection and sends its headers a byte at a time (or never).
    """
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderTimeoutProtocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()  # the next request on this connection gets the same time

        def connection_lost(self, exc: Exception | None) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
            self._header_timer = self.loop.call_later(seconds, self._expire)

        def _expire(self) -> None:
            waiting_for_headers = self.cycle is None or self.cycle.response_complete
            if waiting_for_headers and not self.transport.is_closing():
                self.transport.close()

    return HeaderTimeoutProtocol
