"""Throughput of `citecheck batch` (1 and 2 workers) and of the HTTP service under local load.

Input: HALLMARK entries (valid and hallucinated) rendered as plain-text references, several
per answer, cycled up to --references. Index: the default index (built on first use), or
--index DIR.

    .venv/bin/python benchmarks/batch.py [--references 10000] [--requests 200] [--clients 4]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import read_jsonl, shared_file

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from citecheck.batch import run_batch
from citecheck.config import default_index_dir, default_sources
from citecheck.index.build import build_index
from citecheck.index.encoders import get_encoder
from citecheck.records import split_bibtex_authors
from citecheck.verifier import Verifier


def render(entry: dict[str, Any], style: int) -> str:
    """One reference string in one of three common styles."""
    fields = entry["fields"]
    authors = split_bibtex_authors(fields.get("author", ""))
    title, year = fields.get("title", ""), fields.get("year", "")
    venue = fields.get("booktitle") or fields.get("journal") or ""
    if style == 0:
        return f"{', '.join(authors)}. {title}. In {venue}, {year}."
    if style == 1:
        lead = f"{authors[0]} et al." if len(authors) > 2 else " and ".join(authors)
        return f'{lead}, "{title}", {venue} {year}.'
    return f"{' and '.join(authors)} ({year}). {title}. {venue}."


def answers(references: int, per_answer: int) -> list[str]:
    """Answers of ``per_answer`` numbered references each, ``references`` in all."""
    entries = (read_jsonl(shared_file("hallmark", "valid_entries.jsonl"))
               + read_jsonl(shared_file("hallmark", "dev_public.jsonl")))
    rendered = (render(entry, number % 3)
                for number, entry in enumerate(itertools.cycle(entries)))
    refs = list(itertools.islice(rendered, references))
    texts = []
    for start in range(0, len(refs), per_answer):
        listed = "\n".join(f"{n}. {ref}" for n, ref in enumerate(refs[start:start + per_answer], 1))
        texts.append(f"These results build on prior work.\n\nReferences\n\n{listed}\n")
    return texts


def open_index(path: Path | None) -> Verifier:
    directory = path or default_index_dir()
    if not (directory / "manifest.json").exists():
        print(f"building {directory} from the default sources…")
        build_index(directory, default_sources(), get_encoder())
    return Verifier.open(directory)


def bench_batch(verifier: Verifier, texts: list[str], workers: int, workdir: Path) -> float:
    source = workdir / "answers.jsonl"
    if not source.exists():
        source.write_text("".join(json.dumps({"id": n, "model": "bench", "text": text}) + "\n"
                                  for n, text in enumerate(texts)), encoding="utf-8")
    output = workdir / f"out-{workers}.jsonl"
    output.unlink(missing_ok=True)
    started = time.perf_counter()
    result = run_batch(verifier, source, output, workers=workers)
    elapsed = time.perf_counter() - started
    assert result.written == len(texts), result
    return elapsed


def bench_service(verifier: Verifier, texts: list[str], requests: int,
                  clients: int) -> tuple[float, list[float]]:
    import httpx
    import uvicorn

    from citecheck.service import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(create_app(verifier), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    bodies = [{"text": texts[n % len(texts)]} for n in range(requests)]
    latencies: list[float] = []
    lock = threading.Lock()

    def client(share: list[dict[str, str]]) -> None:
        with httpx.Client(base_url=url, timeout=120) as http:
            for body in share:
                started = time.perf_counter()
                http.post("/verify", json=body).raise_for_status()
                with lock:
                    latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, [bodies[n::clients] for n in range(clients)]))
    elapsed = time.perf_counter() - started
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    return elapsed, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--references", type=int, default=10_000)
    parser.add_argument("--per-answer", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200, help="service requests in all")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--index", type=Path, default=None)
    args = parser.parse_args()

    verifier = open_index(args.index)
    texts = answers(args.references, args.per_answer)
    verifier.warm_up()  # the model load is not throughput
    verifier.verify_many(texts[:4])
    print(f"index {verifier.index.path}: {verifier.index.manifest.count} records; "
          f"{args.references} references in {len(texts)} answers; {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            elapsed = bench_batch(verifier, texts, workers, Path(tmp))
            print(f"batch, {workers} worker(s): {args.references / elapsed:7.1f} references/s "
                  f"({elapsed:.1f} s)")
    elapsed, latencies = bench_service(verifier, texts, args.requests, args.clients)
    p95 = statistics.quantiles(latencies, n=20)[-1]
    print(f"service, {args.clients} clients, {args.requests} requests of {args.per_answer} "
          f"references: {args.requests / elapsed:.1f} requests/s, "
          f"p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
