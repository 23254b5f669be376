"""The service stays up: limits, malformed bodies, slow clients and keys, on a real uvicorn at 127.0.0.1."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("fastapi")
import uvicorn

from citecheck import Verifier
from citecheck.config import SourceSpec
from citecheck.extract import Citation
from citecheck.index.build import build_index
from citecheck.index.encoders import STATIC_ENCODER, get_encoder
from citecheck.report import Report
from citecheck.service import (
    ServiceLimits,
    bind_warning,
    create_app,
    server_config,
    strict_json_problem,
)
from tests.conftest import ROOT, VALID_ENTRIES

REAL = ("Ahmed Abbas and Paul Swoboda. Combinatorial Optimization for Panoptic Segmentation: "
        "A Fully Differentiable Approach. In NeurIPS, 2021.")
GATE = "GATED"
EXPLODE = "EXPLODE"


class GatedVerifier(Verifier):
    """A real Verifier whose work on texts starting with GATED waits for the test to open."""

    gate = threading.Event()

    def verify_extracted(self, extracted: list[list[Citation]], *,
                         deadline: float | None = None) -> list[Report]:
        if any(GATE in c.text for cs in extracted for c in cs):
            self.gate.wait(timeout=60)
        if any(EXPLODE in c.text for cs in extracted for c in cs):
            raise RuntimeError("exploded\n  File secret.py, line 1")
        return super().verify_extracted(extracted, deadline=deadline)


@pytest.fixture(scope="module")
def static_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not VALID_ENTRIES.is_file():
        pytest.skip(f"shared records not found at {VALID_ENTRIES}")
    root = tmp_path_factory.mktemp("service-limits")
    with VALID_ENTRIES.open(encoding="utf-8") as handle:
        (root / "a.jsonl").write_text("".join(next(handle) for _ in range(80)), encoding="utf-8")
    build_index(root / "idx", [SourceSpec(root / "a.jsonl", "hallmark")],
                get_encoder(STATIC_ENCODER))
    return root / "idx"


@dataclass
class Server:
    url: str
    port: int
    verifier: GatedVerifier


def start(verifier: Verifier, limits: ServiceLimits) -> tuple[uvicorn.Server, threading.Thread,
                                                               socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(server_config(create_app(verifier, limits=limits), limits=limits,
                                          log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(1500):
        if server.started:
            break
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    return server, thread, sock


LIMITS = ServiceLimits(max_body_bytes=64_000, max_citations=20, request_timeout=1.5, workers=1,
                       queue_limit=1, header_timeout=1.0, body_timeout=1.0)


@pytest.fixture(scope="module")
def server(static_index: Path) -> Iterator[Server]:
    verifier = GatedVerifier.open(static_index)
    uv, thread, sock = start(verifier, LIMITS)
    port = sock.getsockname()[1]
    yield Server(f"http://127.0.0.1:{port}", port, verifier)
    verifier.gate.set()
    uv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def gate(server: Server) -> Iterator[threading.Event]:
    server.verifier.gate.clear()
    yield server.verifier.gate
    server.verifier.gate.set()
    for _ in range(500):  # let gated work drain before the next test
        if httpx.get(f"{server.url}/health").json()["admitted"] == 0:
            return
        time.sleep(0.02)


def post_raw(server: Server, body: bytes, path: str = "/verify") -> httpx.Response:
    return httpx.post(f"{server.url}{path}", content=body,
                      headers={"content-type": "application/json"}, timeout=30)


@pytest.mark.parametrize("body", [
    b'{"text": NaN}', b'{"text": Infinity}', b'{"text": "\\ud800 Smith et al. (2020)"}',
    b'{"text": "x", "format": "\\udfff"}', b'{"text": "caf\xe9 au lait"}', b"\xff\xfe{}",
    b'{"text": ["a"]}', b'{"text": null}', b"[]", b"null", b'"text"', b"{", b"",
    b"[" * 30_000 + b"]" * 30_000, b'{"text": "x", "format": 7}',
])
def test_malformed_verify_body_gets_a_4xx_json_error_and_no_traceback(
        server: Server, body: bytes, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        response = post_raw(server, body)
    assert 400 <= response.status_code < 500
    assert response.status_code == 422
    assert "detail" in response.json()
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


@pytest.mark.parametrize("body", [b'{"items": "x"}', b'{"items": [{"id": 1.5e999, "text": "a"}]}',
                                  b'{"items": [{"id": [], "text": "a"}]}',
                                  b'{"items": [{"id": "a", "text": "\\udc80"}]}'])
def test_malformed_batch_body_gets_422(server: Server, body: bytes) -> None:
    response = post_raw(server, body, "/verify/batch")
    assert response.status_code == 422
    assert "detail" in response.json()


def test_unexpected_failure_is_a_json_500_with_one_log_line(
        server: Server, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="citecheck.service"):
        response = httpx.post(f"{server.url}/verify", json={"text": f"{EXPLODE} {REAL}"},
                              timeout=30)
    assert response.status_code == 500
    assert response.json() == {"detail": "internal error; the service log has one line about it"}
    assert "secret.py" not in response.text
    [record] = [r for r in caplog.records if r.name == "citecheck.service"]
    assert record.getMessage() == "internal error on POST /verify: RuntimeError: exploded"
    assert record.exc_info is None


TEXTS = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=30) | \
    st.sampled_from(["\ud800", "Lee (2020) \udfff", "\udbff\udc00"])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | TEXTS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXTS, inner, max_size=4),
    max_leaves=12)


def unsafe(value: object) -> bool:
    """Whether a JSON value holds NaN, an infinity or a string that is not valid text."""
    if isinstance(value, float):
        return value != value or value in (float("inf"), float("-inf"))
    if isinstance(value, str):
        return any(0xD800 <= ord(char) <= 0xDFFF for char in value)
    if isinstance(value, dict):
        return any(unsafe(k) or unsafe(v) for k, v in value.items())
    if isinstance(value, list):
        return any(unsafe(item) for item in value)
    return False


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_strict_json_check_never_raises_on_any_bytes(body: bytes) -> None:
    assert isinstance(strict_json_problem(body), str)


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_strict_json_check_refuses_exactly_nan_infinity_and_surrogates(value: object) -> None:
    # Python writes NaN, Infinity and lone surrogates (as \\udxxx escapes) without complaint;
    # a surrogate pair written as two escapes reads back as one character, which is text.
    body = json.dumps(value).encode("ascii")
    assert bool(strict_json_problem(body)) == unsafe(json.loads(body))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.binary(max_size=200), JSON_VALUES.map(lambda v: json.dumps(v).encode()),
                      st.fixed_dictionaries({"text": JSON_VALUES}).map(
                          lambda v: json.dumps(v).encode())))
def test_any_body_gets_a_json_answer_below_500(server: Server, body: bytes) -> None:
    response = post_raw(server, body)
    assert response.status_code < 500
    assert isinstance(response.json(), dict | list)


def test_full_pool_answers_429_while_health_still_answers(server: Server,
                                                          gate: threading.Event) -> None:
    def post() -> httpx.Response:
        return httpx.post(f"{server.url}/verify", json={"text": f"{GATE} {REAL}"}, timeout=30)

    with ThreadPoolExecutor(max_workers=2) as clients:
        held = [clients.submit(post) for _ in range(2)]  # one running, one queued
        for _ in range(500):
            if httpx.get(f"{server.url}/health").json()["admitted"] == 2:
                break
            time.sleep(0.01)
        refused = post()
        health = httpx.get(f"{server.url}/health")
        gate.set()
        answers = [future.result() for future in held]
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert "busy" in refused.json()["detail"]
    assert health.status_code == 200 and health.json()["admitted"] == 2
    # Within the 1.5 s budget the held requests got either their report or a clean 504.
    assert {a.status_code for a in answers} <= {200, 504}


def test_request_over_its_time_budget_gets_504_json(server: Server,
                                                    gate: threading.Event) -> None:
    response = httpx.post(f"{server.url}/verify", json={"text": f"{GATE} {REAL}"}, timeout=30)
    assert response.status_code == 504
    assert "1.5 s budget" in response.json()["detail"]


def test_request_with_too_many_citations_gets_413_naming_the_limit(server: Server) -> None:
    text = "\n\n".join(f"[{n}] Ann Lee and Bo Chan. A study of quokka number {n}. In ICML, 2020."
                       for n in range(1, 40))
    response = httpx.post(f"{server.url}/verify", json={"text": text}, timeout=30)
    assert response.status_code == 413
    assert "the limit is 20" in response.json()["detail"]


def test_report_names_the_index_without_its_path(server: Server, static_index: Path) -> None:
    response = httpx.post(f"{server.url}/verify", json={"text": REAL}, timeout=30)
    assert response.status_code == 200
    assert response.json()["index"]["path"] == static_index.name
    assert str(static_index.parent) not in response.text


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (socket timeout as a guard)."""
    sock.settimeout(20)
    received = b""
    while chunk := sock.recv(4096):
        received += chunk
    return received


def test_body_shorter_than_its_content_length_gets_408_and_the_socket_is_closed(
        server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"POST /verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"text\": ")
        reply = read_until_closed(sock)
    assert reply.startswith(b"HTTP/1.1 408")
    assert b"did not arrive" in reply


def test_headers_that_never_end_get_the_socket_closed(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        assert read_until_closed(sock) == b""


def test_keep_alive_connection_serves_requests_one_after_another(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        statuses = [client.get("/health").status_code for _ in range(5)]
        statuses.append(client.post("/verify", json={"text": REAL}).status_code)
    assert statuses == [200] * 6


def test_many_short_bodies_leave_no_socket_open(server: Server) -> None:
    sockets = []
    for _ in range(30):
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.sendall(b"POST /verify HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{")
        sockets.append(sock)
    try:
        assert all(read_until_closed(sock).startswith(b"HTTP/1.1 408") for sock in sockets)
    finally:
        for sock in sockets:
            sock.close()
    assert httpx.get(f"{server.url}/health").status_code == 200


@pytest.fixture(scope="module")
def keyed(static_index: Path) -> Iterator[str]:
    verifier = Verifier.open(static_index)
    limits = ServiceLimits(api_key="s3cret", cors_origins=["https://app.example.org"])
    uv, thread, sock = start(verifier, limits)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    uv.should_exit = True
    thread.join(timeout=10)
    sock.close()


def test_api_key_is_required_except_for_health(keyed: str) -> None:
    missing = httpx.post(f"{keyed}/verify", json={"text": REAL})
    wrong = httpx.get(f"{keyed}/index", headers={"X-API-Key": "guess"})
    right = httpx.post(f"{keyed}/verify", json={"text": REAL}, headers={"X-API-Key": "s3cret"},
                       timeout=30)
    bearer = httpx.get(f"{keyed}/index", headers={"Authorization": "Bearer s3cret"})
    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert "API key" in missing.json()["detail"]
    assert (right.status_code, bearer.status_code) == (200, 200)
    assert httpx.get(f"{keyed}/health").status_code == 200


def test_cors_answers_only_the_configured_origin(keyed: str, server: Server) -> None:
    allowed = httpx.get(f"{keyed}/health", headers={"Origin": "https://app.example.org"})
    other = httpx.get(f"{keyed}/health", headers={"Origin": "https://evil.example"})
    default = httpx.get(f"{server.url}/health", headers={"Origin": "https://app.example.org"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.org"
    assert "access-control-allow-origin" not in other.headers
    assert "access-control-allow-origin" not in default.headers


@pytest.mark.parametrize(("host", "warns"), [("127.0.0.1", False), ("::1", False),
                                             ("localhost", False), ("0.0.0.0", True),
                                             ("192.168.1.5", True), ("example.org", True)])
def test_public_bind_address_gets_a_warning(host: str, warns: bool) -> None:
    assert (bind_warning(host) is not None) == warns


def test_public_bind_warning_asks_for_an_api_key_only_when_there_is_none() -> None:
    assert "--api-key" in (bind_warning("0.0.0.0") or "")
    assert "--api-key" not in (bind_warning("0.0.0.0", api_key=True) or "x--api-key")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.slow
def test_rss_stays_flat_under_a_bounded_mixed_load(static_index: Path) -> None:
    """A 25 s soak of the real `citecheck serve`; benchmarks/robustness.py runs 10 minutes."""
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "citecheck", "serve", "--index", str(static_index), "--port",
         str(port), "--workers", "1", "--queue-limit", "2"],
        cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"}, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1500):
            try:
                httpx.get(f"{url}/health")
                break
            except httpx.TransportError:
                time.sleep(0.02)
        bodies = [json.dumps({"text": REAL}).encode(), b'{"text": NaN}',
                  json.dumps({"items": [{"id": n, "text": REAL} for n in range(5)]}).encode(),
                  json.dumps({"text": "x " * 20_000}).encode()]

        def load(seconds: float) -> dict[int, int]:
            statuses: dict[int, int] = {}
            end = time.monotonic() + seconds
            with httpx.Client(base_url=url, timeout=30) as client:
                n = 0
                while time.monotonic() < end:
                    body = bodies[n % len(bodies)]
                    path = "/verify/batch" if b"items" in body else "/verify"
                    status = client.post(path, content=body,
                                         headers={"content-type": "application/json"}).status_code
                    statuses[status] = statuses.get(status, 0) + 1
                    n += 1
            return statuses

        def clients(seconds: float) -> dict[int, int]:
            with ThreadPoolExecutor(max_workers=3) as pool:
                results = list(pool.map(load, [seconds] * 3))
            return {k: sum(r.get(k, 0) for r in results) for r in results for k in r}

        clients(5)  # warm up: caches and arenas reach their working size
        baseline = rss_kib(server.pid)
        statuses = clients(20)
        final = rss_kib(server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        _, stderr = server.communicate(timeout=30)
    assert set(statuses) <= {200, 422, 429}, statuses
    assert statuses.get(200, 0) > 0 and statuses.get(422, 0) > 0
    assert "Traceback" not in stderr
    assert final / baseline < 1.15, (baseline, final)
