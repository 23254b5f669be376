"""The HTTP service, through FastAPI's TestClient and through a real uvicorn on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import run_cli

pytest.importorskip("fastapi")
import uvicorn
from fastapi.testclient import TestClient

from citecheck.records import split_bibtex_authors
from citecheck.service import create_app

LIMIT = 4096
FABRICATED = ("Zanzibar Quokka and Lemony Snicket. Neural quokka herding with recursive "
              "marshmallow transformers. In NeurIPS, 2021.")


def reference(entry: dict[str, Any]) -> str:
    fields = entry["fields"]
    authors = ", ".join(split_bibtex_authors(fields["author"]))
    return f"{authors}. {fields['title']}. In {fields.get('booktitle')}, {fields['year']}."


@pytest.fixture(scope="module")
def client(verifier: Any) -> Iterator[TestClient]:
    with TestClient(create_app(verifier, max_body_bytes=LIMIT)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def server_url(verifier: Any) -> Iterator[str]:
    """A real uvicorn server in a thread, on a free port of 127.0.0.1."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(verifier, max_body_bytes=LIMIT), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def test_health_reports_the_record_count(client: TestClient, verifier: Any) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["records"] == verifier.index.manifest.count


def test_index_returns_the_manifest_without_machine_paths(client: TestClient,
                                                         verifier: Any) -> None:
    manifest = verifier.index.manifest.to_dict()
    answer = client.get("/index").json()
    assert (answer["count"], answer["model"], answer["files"]) == (
        manifest["count"], manifest["model"], manifest["files"])
    assert [s["path"] for s in answer["sources"]] == [
        Path(s["path"]).name for s in manifest["sources"]]
    text = client.get("/index").text
    assert all(str(Path(s["path"]).parent) not in text for s in manifest["sources"])


def test_verify_returns_the_json_report(client: TestClient,
                                        records: list[dict[str, Any]]) -> None:
    response = client.post("/verify", json={"text": f"{reference(records[0])}\n\n{FABRICATED}\n"})
    assert response.status_code == 200
    report = response.json()
    assert set(report) == {"source", "index", "citations", "summary"}
    assert [c["verdict"] for c in report["citations"]] == ["verified", "not_found"]


def test_verify_honours_the_input_format(client: TestClient,
                                         records: list[dict[str, Any]]) -> None:
    fields = records[0]["fields"]
    bibtex = (f"@inproceedings{{x,\n  title = {{{fields['title']}}},\n  author = "
              f"{{{fields['author']}}},\n  year = {{{fields['year']}}}\n}}\n")
    report = client.post("/verify", json={"text": bibtex, "format": "bibtex"}).json()
    assert [(c["kind"], c["verdict"]) for c in report["citations"]] == [("bibtex", "verified")]


def test_batch_returns_one_report_per_item_in_order(client: TestClient,
                                                    records: list[dict[str, Any]]) -> None:
    items = [{"id": "b", "text": FABRICATED}, {"id": 7, "text": reference(records[3])}]
    response = client.post("/verify/batch", json={"items": items})
    assert response.status_code == 200
    reports = response.json()
    assert [r["id"] for r in reports] == ["b", 7]
    assert [r["summary"]["not_found"] for r in reports] == [1, 0]
    assert reports[1]["summary"]["verified"] == 1


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": 5}, {"text": "x", "format": "pdf"}])
def test_bad_verify_body_gets_422(client: TestClient, body: dict[str, Any]) -> None:
    assert client.post("/verify", json=body).status_code == 422


def test_batch_without_items_gets_422(client: TestClient) -> None:
    assert client.post("/verify/batch", json={"items": []}).status_code == 422


def test_oversized_request_gets_413(client: TestClient) -> None:
    response = client.post("/verify", json={"text": "x" * LIMIT})
    assert response.status_code == 413
    assert str(LIMIT) in response.json()["detail"]


def test_openapi_schema_describes_the_request_bodies(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/verify", "/verify/batch", "/health", "/index"} <= set(schema["paths"])
    assert {"VerifyRequest", "BatchRequest"} <= set(schema["components"]["schemas"])


def test_real_server_verifies_a_reference(server_url: str,
                                          records: list[dict[str, Any]]) -> None:
    response = httpx.post(f"{server_url}/verify", json={"text": reference(records[5])})
    assert response.status_code == 200
    assert response.json()["summary"]["verified"] == 1


def test_real_server_refuses_a_streamed_body_over_the_limit(server_url: str) -> None:
    # No Content-Length (chunked), so only counting the body as it arrives can catch it.
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(LIMIT // 512 + 2):
            yield b"x" * 512
        yield b'"}'

    response = httpx.post(f"{server_url}/verify", content=chunks(),
                          headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_real_server_answers_concurrent_requests(server_url: str,
                                                 records: list[dict[str, Any]]) -> None:
    texts = [reference(records[n]) for n in range(8)]
    with httpx.Client(base_url=server_url, timeout=60) as http, \
            ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(lambda t: http.post("/verify", json={"text": t}), texts))
    assert [r.json()["summary"]["verified"] for r in responses] == [1] * 8


def test_serve_without_fastapi_explains_how_to_install_it(tmp_path: Path) -> None:
    # A stub package that fails to import stands in for a missing fastapi.
    stub = tmp_path / "fastapi"
    stub.mkdir()
    (stub / "__init__.py").write_text(
        "raise ImportError(\"No module named 'fastapi'\", name='fastapi')\n", encoding="utf-8")
    result = run_cli("serve", "--index", str(tmp_path / "no-index"),
                     env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode == 2
    assert "pip install 'citecheck-verifier[service]'" in result.stderr
