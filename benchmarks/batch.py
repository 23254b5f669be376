"""Throughput of `citecheck batch`: local threads vs --ray (a local Ray instance), and the service.

Input: 10,000 distinct references (no text repeats, so no cache is warmed by a repeat):
records of ../shared/data/corpus/*.jsonl.gz rendered in three styles, and 1 in 10 invented
(one record's authors, venue and year around a title spliced from two others), 5 to an
answer. Index: the default index (built on first use), or --index DIR. The same input runs
with 1 and 2 threads and 2 processes, then on Ray with 2 actors: references/s, and the overhead
ratio of Ray (its time over the 2-process time, with and without starting the Ray instance).

    .venv/bin/python benchmarks/batch.py [--references 10000] [--requests 200] [--no-service]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
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
from common import SHARED

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from citecheck.batch import run_batch
from citecheck.config import default_encoder_name, default_index_dir, default_sources
from citecheck.index.build import build_index
from citecheck.index.encoders import get_encoder
from citecheck.verifier import Verifier

# One invented reference in ten: about the share flagged in LLM answers by published
# audits of generated citations, and enough to exercise the not_found path.
INVENTED_EVERY = 10


def render(record: dict[str, Any], style: int) -> str:
    """One reference string in one of three common styles."""
    authors = [str(name) for name in record.get("authors") or []] or ["Anonymous"]
    title, year, venue = record["title"], record.get("year", ""), record.get("venue") or ""
    if style == 0:
        return f"{', '.join(authors)}. {title}. In {venue}, {year}."
    if style == 1:
        lead = f"{authors[0]} et al." if len(authors) > 2 else " and ".join(authors)
        return f'{lead}, "{title}", {venue} {year}.'
    return f"{' and '.join(authors)} ({year}). {title}. {venue}."


def corpus_sample(count: int, seed: int = 0) -> list[dict[str, Any]]:
    """``count`` records spread over every corpus file (every k-th line), shuffled."""
    files = sorted((SHARED / "corpus").glob("*.jsonl.gz"))
    if not files:
        sys.exit(f"benchmark data not found: {SHARED / 'corpus'}/*.jsonl.gz")
    per_file = count // len(files) + 1
    sample: list[dict[str, Any]] = []
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            lines = handle.readlines()
        step = max(1, len(lines) // per_file)
        sample += [json.loads(line) for line in lines[::step][:per_file]]
    random.Random(seed).shuffle(sample)
    return sample


def distinct_references(count: int) -> list[str]:
    """``count`` different reference strings: real records and invented ones."""
    records = [r for r in corpus_sample(count + count // 5) if r.get("title")]
    references: dict[str, None] = {}
    for number, record in enumerate(records):
        if number % INVENTED_EVERY == INVENTED_EVERY - 1:
            # Real names, venue and year around a title that no record has.
            left, right = records[number - 1]["title"].split(), records[number - 2]["title"].split()
            title = " ".join(left[: len(left) // 2 + 1] + right[len(right) // 2:])
            record = {**record, "title": title}
        references.setdefault(render(record, number % 3))
        if len(references) == count:
            return list(references)
    sys.exit(f"only {len(references)} distinct references could be made")


def answers(references: int, per_answer: int) -> list[str]:
    """Answers of ``per_answer`` numbered references each, ``references`` distinct in all."""
    return reference_lists(distinct_references(references), per_answer,
                           "These results build on prior work.\n\n")


def reference_lists(refs: list[str], per_answer: int, preface: str = "") -> list[str]:
    """``refs`` as answers: ``preface``, then a numbered list of ``per_answer`` of them."""
    texts = []
    for start in range(0, len(refs), per_answer):
        listed = "\n".join(f"{n}. {ref}" for n, ref in enumerate(refs[start:start + per_answer], 1))
        texts.append(f"{preface}References\n\n{listed}\n")
    return texts


def open_index(path: Path | None) -> Verifier:
    directory = path or default_index_dir()
    if not (directory / "manifest.json").exists():
        print(f"building {directory} from the default sources…")
        build_index(directory, default_sources(), get_encoder(default_encoder_name()))
    return Verifier.open(directory)


def bench_batch(verifier: Verifier, texts: list[str], workers: int, workdir: Path,
                processes: bool = False) -> float:
    """Seconds of one run_batch over ``texts``: threads sharing ``verifier``, or processes
    (as the CLI runs by default) each opening its index, their start included."""
    source = workdir / "answers.jsonl"
    if not source.exists():
        source.write_text("".join(json.dumps({"id": n, "model": "bench", "text": text}) + "\n"
                                  for n, text in enumerate(texts)), encoding="utf-8")
    output = workdir / f"out-{workers}{'p' if processes else 't'}.jsonl"
    output.unlink(missing_ok=True)
    started = time.perf_counter()
    result = run_batch(verifier, source, output, workers=workers, processes=processes)
    elapsed = time.perf_counter() - started
    assert result.written == len(texts), result
    return elapsed


def verdicts(path: Path) -> dict[Any, list[str]]:
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return {row["id"]: [c["verdict"] for c in row["citations"]] for row in rows}


def bench_ray(index: Path, texts: list[str], actors: int, workdir: Path) -> tuple[float, float]:
    """Seconds to start a local Ray instance, and seconds of the --ray run (actors included)."""
    import ray

    from citecheck.ray import run_batch_ray

    source = workdir / "answers.jsonl"
    output = workdir / "out-ray.jsonl"
    started = time.perf_counter()
    ray.init(num_cpus=actors, include_dashboard=False, log_to_driver=False)
    startup = time.perf_counter() - started
    try:
        started = time.perf_counter()
        result = run_batch_ray(source, output, index=index, actors=actors)
        elapsed = time.perf_counter() - started
    finally:
        ray.shutdown()
    assert result.written == len(texts), result
    local, remote = verdicts(workdir / "out-2p.jsonl"), verdicts(output)
    differ = sum(local[key] != remote.get(key) for key in local)
    print(f"verdicts of --ray and of the local batch differ on {differ} of {len(local)} answers")
    return startup, elapsed


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
    parser.add_argument("--actors", type=int, default=2, help="Ray actors (one CPU each)")
    parser.add_argument("--requests", type=int, default=200, help="service requests in all")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--no-service", action="store_true", help="skip the service benchmark")
    parser.add_argument("--no-ray", action="store_true", help="skip Ray (and the service)")
    parser.add_argument("--index", type=Path, default=None)
    args = parser.parse_args()

    verifier = open_index(args.index)
    texts = answers(args.references, args.per_answer)
    verifier.warm_up()  # the model load is not throughput
    verifier.verify_many(["Warm-up answer.\n\n1. A. Author. Not in the set. In ICML, 2020.\n"])
    print(f"index {verifier.index.path}: {verifier.index.manifest.count} records; "
          f"{args.references} distinct references in {len(texts)} answers; {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        seconds = {}
        for workers, processes in ((1, False), (2, False), (2, True)):
            kind = "processes (the CLI's default here)" if processes else "thread(s)"
            seconds[workers, processes] = took = bench_batch(verifier, texts, workers,
                                                             Path(tmp), processes)
            print(f"batch, {workers} {kind}: {args.references / took:7.1f} references/s "
                  f"({took:.1f} s{', process start included' if processes else ''})")
        if args.no_ray:
            return
        local = seconds[2, True]
        startup, elapsed = bench_ray(verifier.index.path, texts, args.actors, Path(tmp))
        print(f"batch --ray, {args.actors} actors on a local instance: "
              f"{args.references / elapsed:7.1f} references/s ({elapsed:.1f} s, actors and "
              f"index opening included; {startup:.1f} s more to start Ray)")
        print(f"overhead ratio, Ray time / 2-process time: {elapsed / local:.2f} "
              f"({(elapsed + startup) / local:.2f} with Ray's start)")
    if args.no_service:
        return
    elapsed, latencies = bench_service(verifier, texts, args.requests, args.clients)
    p95 = statistics.quantiles(latencies, n=20)[-1]
    print(f"service, {args.clients} clients, {args.requests} requests of {args.per_answer} "
          f"references: {args.requests / elapsed:.1f} requests/s, "
          f"p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
