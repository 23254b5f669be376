"""Online lookups are bounded: hanging, dripping, huge and absent servers on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from citecheck import Verifier
from citecheck.config import SourceSpec
from citecheck.errors import OnlineError
from citecheck.index.build import build_index
from citecheck.index.encoders import STATIC_ENCODER, get_encoder
from citecheck.online import HttpClient, Lookup, OnlineResolver
from citecheck.online.resolver import URL_ENV
from tests.conftest import VALID_ENTRIES

from test_online import NATURE, FakeApis, apis, recorded  # noqa: F401

INVENTED = ("Maria Lindqvist and Tomasz Wren. Holographic Gradient Folding for Sparse Mixture "
            "Routers. In NeurIPS, 2021.")


@dataclass
class Misbehaving:
    """A server that hangs, drips or floods; it counts requests and the bytes it got out."""

    mode: str
    url: str = ""
    requests: int = 0
    sent: list[int] = field(default_factory=list)


@pytest.fixture
def misbehaving(request: pytest.FixtureRequest) -> Iterator[Misbehaving]:
    state = Misbehaving(request.param)
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # close-delimited bodies: no length to refuse early

        def do_GET(self) -> None:
            state.requests += 1
            sent = 0
            try:
                if state.mode == "hang":
                    stop.wait(30)
                    return
                if state.mode == "drip-headers":
                    # A status line and headers a byte every 0.1 s, never finished.
                    for byte in b"HTTP/1.0 200 OK\r\nX-Slow: " + b"a" * 400:
                        if stop.is_set():
                            break
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        sent += 1
                        time.sleep(0.1)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if state.mode == "declared-huge":
                    self.send_header("Content-Length", str(50_000_000))
                self.end_headers()
                for _ in range(50_000 if state.mode != "drip" else 200):
                    if stop.is_set():
                        break
                    piece = b" " if state.mode == "drip" else b" " * 1000
                    self.wfile.write(piece)
                    self.wfile.flush()
                    sent += len(piece)
                    if state.mode == "drip":
                        time.sleep(0.1)
            except OSError:
                pass  # the client gave up, as it should
            finally:
                state.sent.append(sent)

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    yield state
    stop.set()
    server.shutdown()
    server.server_close()


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def everywhere(url: str, **options: object) -> OnlineResolver:
    return OnlineResolver(crossref_url=url, openalex_url=url, arxiv_url=url, doi_url=url,
                          **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("misbehaving", ["drip"], indirect=True)
def test_dripping_reply_is_cut_at_the_request_timeout_not_per_read(
        misbehaving: Misbehaving) -> None:
    # One byte every 0.1 s: each read succeeds, so only a wall-clock limit stops it.
    http = HttpClient(timeout=1.0, retries=0)
    with pytest.raises(OnlineError, match=r"timed out after 1s \(1 attempts\)"):
        http.get("crossref", f"{misbehaving.url}/works", lambda body: body)
    for _ in range(100):  # the server notices the closed socket on its next write
        if misbehaving.sent:
            break
        time.sleep(0.05)
    assert misbehaving.sent and misbehaving.sent[0] < 100  # of the 200 bytes it would drip


@pytest.mark.parametrize("misbehaving", ["drip-headers"], indirect=True)
def test_dripping_headers_are_cut_at_the_request_timeout_not_per_read(
        misbehaving: Misbehaving) -> None:
    http = HttpClient(timeout=1.0, retries=0)
    started = time.monotonic()
    with pytest.raises(OnlineError, match=r"timed out after 1s \(1 attempts\)"):
        http.get("crossref", f"{misbehaving.url}/works", lambda body: body)
    # Per read it never times out (a byte every 0.1 s); the whole request stops at 1 s.
    assert time.monotonic() - started < 3.0


@pytest.mark.parametrize("misbehaving", ["flood"], indirect=True)
def test_reply_over_the_size_cap_is_refused_without_reading_it_whole(
        misbehaving: Misbehaving) -> None:
    http = HttpClient(timeout=10.0, retries=2, max_reply_bytes=100_000)
    with pytest.raises(OnlineError, match="reply over 100000 bytes"):
        http.get("openalex", f"{misbehaving.url}/works", lambda body: body)
    assert misbehaving.requests == 1  # a flood is not retried


@pytest.mark.parametrize("misbehaving", ["declared-huge"], indirect=True)
def test_reply_declaring_a_huge_length_is_refused_before_reading(
        misbehaving: Misbehaving) -> None:
    http = HttpClient(timeout=10.0, retries=0)
    with pytest.raises(OnlineError, match="declared 50000000"):
        http.get("openalex", f"{misbehaving.url}/works", lambda body: body)


@pytest.mark.parametrize("misbehaving", ["hang"], indirect=True)
def test_hanging_services_cost_one_citation_budget_then_the_run_budget_stops_lookups(
        misbehaving: Misbehaving) -> None:
    online = everywhere(misbehaving.url, timeout=10.0, retries=3, backoff=0.01,
                        citation_budget=0.6, run_budget=1.0)
    reasons = []
    for _ in range(4):
        with pytest.raises(OnlineError) as caught:
            online.resolve(Lookup(title="Holographic gradient folding", doi="10.1234/x.1"))
        reasons.append(str(caught.value))
    asked = misbehaving.requests
    with pytest.raises(OnlineError, match="budget is spent"):
        online.resolve(Lookup(doi="10.1234/x.2"))
    assert "timed out" in reasons[0]
    assert "budget is spent" in reasons[-1]
    assert misbehaving.requests == asked  # a spent budget asks nobody
    assert online.spent < 2 * online.run_budget


def test_offline_run_fails_fast_without_retrying_a_refused_connection() -> None:
    slept: list[float] = []
    online = everywhere(closed_port(), retries=3, backoff=1.0)
    online.http.sleep = slept.append
    reasons = []
    for n in range(5):
        with pytest.raises(OnlineError) as caught:
            online.resolve(Lookup(title=f"Some title {n}", doi=f"10.1234/x.{n}"))
        reasons.append(str(caught.value))
    assert slept == []  # no backoff sleeps: 38 s a run before
    assert "connection failed" in reasons[0]
    assert all("not asked again" in reason for reason in reasons[1:])


def test_base_urls_come_from_the_environment(apis: FakeApis,  # noqa: F811
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for service, variable in URL_ENV.items():
        monkeypatch.setenv(variable, f"{apis.url}/{service.replace('.org', '')}")
    apis.route(NATURE, recorded("crossref-work.json"))
    with OnlineResolver() as online:
        result = online.resolve(Lookup(doi="10.1038/nature14539"))
    assert result.via == "doi" and apis.hits(NATURE) == 1


@pytest.fixture(scope="module")
def closed_world_verifier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Verifier]:
    if not VALID_ENTRIES.is_file():
        pytest.skip(f"shared records not found at {VALID_ENTRIES}")
    root = tmp_path_factory.mktemp("online-bounds")
    with VALID_ENTRIES.open(encoding="utf-8") as handle:
        (root / "a.jsonl").write_text("".join(next(handle) for _ in range(60)), encoding="utf-8")
    build_index(root / "idx", [SourceSpec(root / "a.jsonl", "hallmark")],
                get_encoder(STATIC_ENCODER))
    verifier = Verifier.open(root / "idx", closed_world=True)
    yield verifier
    verifier.close()


def test_failed_online_lookup_keeps_a_local_not_found_and_adds_the_reason(
        closed_world_verifier: Verifier) -> None:
    local = closed_world_verifier.verify_reference(INVENTED)
    assert local.verdict == "not_found"
    with everywhere(closed_port(), retries=3) as online:
        closed_world_verifier.online = online
        try:
            result = closed_world_verifier.verify_reference(INVENTED)
        finally:
            closed_world_verifier.online = None
    assert (result.verdict, result.confidence) == (local.verdict, local.confidence)
    assert (result.reason or "").startswith(local.reason or "")
    assert "online lookup failed: " in (result.reason or "")
    assert "connection failed" in (result.reason or "")



def test_damaged_reply_cache_is_a_one_line_online_error(tmp_path: Path) -> None:
    cache = tmp_path / "online.sqlite"
    cache.write_bytes(b"this is not a database" * 100)
    with pytest.raises(OnlineError, match="delete it"):
        OnlineResolver(cache_path=cache)
