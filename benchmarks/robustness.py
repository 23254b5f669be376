"""Adversarial inputs at growing sizes, bounded online lookups, and the service under load.

Prints, for each adversarial family of issue 13, the seconds taken at 1 k, 10 k, 100 k and
1 M characters and the growth ratio from one size to the next (~10 is linear, ~100 is
quadratic). A step over --cap seconds is stopped and the larger sizes are skipped. Then
the online bounds (offline and against a hanging server) and the service figures: /health
while the workers are saturated, 429s under overload, short-body sockets closed, and RSS
over a soak (--soak 600 is the 10-minute run).

    .venv/bin/python benchmarks/robustness.py [--cap 30] [--soak 60] [--index DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import multiprocessing
import os
import queue
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import shared_file

os.environ.setdefault("HF_HUB_OFFLINE", "1")

SIZES = (1_000, 10_000, 100_000, 1_000_000)
# Seconds a child process may take to import citecheck and open the index.
STARTUP = 120.0
WARM_UP = ("Smith and Jones showed (Lee et al., 2020).\n\n[1] Ann Lee. A study of quokkas. "
           "In ICML, 2020.\n")


def repeat_to(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def families(verifier: Any) -> dict[str, Callable[[int], Callable[[], object]]]:
    """Family name -> (size -> a call doing the work on an input of that size)."""
    from citecheck.service import strict_json_problem

    def verify(unit: str) -> Callable[[int], Callable[[], object]]:
        return lambda size: (lambda: verifier.verify_text(repeat_to(unit, size)))

    capitals = "-".join(f"Xq{n % 97}Zw" for n in range(330))[:2000] + "\n"
    return {
        "narrative cites": verify("Smith and Jones showed. Lee et al. argued. "),
        "author-year cites": verify("as shown (Smith et al., 2020; Lee and Park, 2019). "),
        "numbered references": verify(
            "[1] Ann Lee and Bo Chan. A study of quokka herding. In ICML, 2020.\n"),
        "hyphen-joined capitals": verify(capitals),
        "markdown table rows": verify("| Title | Year |\n|---|---|\n"
                                      + "| A study of quokka herding | 2020 |\n" * 50 + "\n"),
        "labelled lines": verify("Title: A study of quokka herding\nYear: 2020\n"),
        "broken JSON objects": verify('{"title": "A study of quokka herding", "year": 20 '),
        "RIS records, unended": verify("TY  - CONF\nTI  - A study of quokka herding\n" * 20
                                       + "ER  - \n"),
        "titles named by": verify("*A study of quokka herding* by Ann Lee and Bo Chan (ICML "
                                  "2020). "),
        # Quotes opened inside quotes, and names before verbs of authorship, never closed.
        "quoted titles, nested": verify('Lee and Chan introduced this in "A study of "quokka" '
                                        'herding in the "wild '),
        # GB/T 7714's type marks glued to every word; EndNote lines never ending a record;
        # Wikipedia templates never closed.
        "GB/T type marks": verify("KIM J W, HE K. Quokka[C]//herding[J]. study[EB/OL]. "),
        "EndNote lines, one record": verify("%A Lee, Ann\n%T A study of quokka herding\n"),
        "cite templates, unclosed": verify("{{cite journal |last1=Lee |title=A study of quokka "
                                           "[[herding|herds]] |year=2020 "),
        # Scholar's exports (added in the twelfth session): ellipses between names never
        # ending the list, "In" glued to words, months after years; French "dans :" leads.
        "Scholar ellipses, glued In": verify("Lee, A., Chan, B., ... & Park, C., 2020, July. "
                                                "InInternational quokka, dans : "),
        "bold names and dates": verify("**Lee, A., Chan, B., ... & Park, C. (2020).** "),
        "search, distinct words": lambda size: (lambda: verifier.index.store.search(
            " ".join(f"w{n}x" for n in range(size // 7)))),
        "service JSON check": lambda size: (lambda: strict_json_problem(
            json.dumps({"text": repeat_to("caf\u00e9 (Lee, 2020). ", size)}).encode())),
        "service nested JSON": lambda size: (lambda: strict_json_problem(
            b"[" * (size // 2) + b"]" * (size // 2))),
    }


def _family_ladder(family: str, index_dir: str, results: Any) -> None:
    """In a child process: time one family at every size, reporting each step as it ends."""
    from citecheck import Verifier

    verifier = Verifier.open(index_dir)
    verifier.verify_text(WARM_UP)  # load the lazy parts (encoder, parser model) first
    steps = families(verifier)[family]
    results.put("ready")
    for size in SIZES:
        work = steps(size)
        start = time.perf_counter()
        work()
        results.put(time.perf_counter() - start)


def _next(results: Any, child: Any, timeout: float) -> Any:
    """The child's next report within ``timeout`` s; queue.Empty if none or the child died."""
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        try:
            return results.get(timeout=min(1.0, max(0.01, ends - time.monotonic())))
        except queue.Empty:
            if not child.is_alive():
                break
    raise queue.Empty


def ladder(index_dir: Path, cap: float) -> None:
    """One spawned child per family (a fork would inherit FAISS's thread pool and hang)."""
    context = multiprocessing.get_context("spawn")
    print(f"{'family':26}" + "".join(f"{size:>14,}" for size in SIZES) + "   growth ratios")
    for family in families(None):
        results = context.Queue()
        child = context.Process(target=_family_ladder, args=(family, str(index_dir), results))
        child.start()
        seconds: list[float | None] = []
        try:
            _next(results, child, STARTUP)
            for _ in SIZES:
                seconds.append(_next(results, child, cap))
        except queue.Empty:
            pass  # the step ran past the cap (or the child failed): larger sizes are not tried
        finally:
            child.terminate()
            child.join()
        seconds += [None] * (len(SIZES) - len(seconds))
        cells = "".join(f"{s:>13.3f}s" if s is not None else f"{'>' + format(cap, 'g'):>13}s"
                        for s in seconds)
        ratios = [f"{b / a:.0f}" if a and b and a > 0.002 else "-"
                  for a, b in itertools.pairwise(seconds)]
        print(f"{family:26}{cells}   {' '.join(ratios)}", flush=True)


def online_bounds() -> None:
    from citecheck.errors import OnlineError
    from citecheck.online import Lookup, OnlineResolver

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    online = OnlineResolver(crossref_url=closed, openalex_url=closed, arxiv_url=closed,
                            doi_url=closed)
    start = time.perf_counter()
    for n in range(50):
        with contextlib.suppress(OnlineError):
            online.resolve(Lookup(title=f"Some invented title {n}", doi=f"10.1234/x.{n}"))
    print(f"online, offline (refused), 50 citations: {time.perf_counter() - start:.2f} s")

    hang = socket.socket()
    hang.bind(("127.0.0.1", 0))
    hang.listen(64)  # accepts connections, never answers
    url = f"http://127.0.0.1:{hang.getsockname()[1]}"
    online = OnlineResolver(crossref_url=url, openalex_url=url, arxiv_url=url, doi_url=url)
    start = time.perf_counter()
    for n in range(5):
        with contextlib.suppress(OnlineError):
            online.resolve(Lookup(title=f"Some invented title {n}", doi=f"10.1234/x.{n}"))
    print(f"online, hanging server, 5 DOI+title citations: {time.perf_counter() - start:.2f} s "
          f"(run budget {online.run_budget:g} s)")
    hang.close()


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def service(verifier: Any, soak: float) -> None:
    import httpx
    import uvicorn

    from citecheck.service import ServiceLimits, create_app, server_config

    limits = ServiceLimits(workers=2, queue_limit=4, body_timeout=2.0, header_timeout=2.0)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(server_config(create_app(verifier, limits=limits), limits=limits,
                                          log_level="error"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    url = f"http://127.0.0.1:{port}"
    heavy = {"text": repeat_to("[1] Ann Lee and Bo Chan. A study of quokka herding number one. "
                               "In ICML, 2020.\n", 150_000)}
    references = "\n".join(f"[{n}] Ann Lee and Bo Chan. On quokka herding {n}. In ICML, 2020."
                           for n in range(1, 30))

    with ThreadPoolExecutor(max_workers=16) as clients, httpx.Client(timeout=60) as http:
        pending = [clients.submit(http.post, f"{url}/verify", json=heavy) for _ in range(16)]
        time.sleep(0.5)
        health = []
        for _ in range(20):
            start = time.perf_counter()
            http.get(f"{url}/health")
            health.append(time.perf_counter() - start)
        statuses: dict[int, int] = {}
        for future in pending:
            code = future.result().status_code
            statuses[code] = statuses.get(code, 0) + 1
    print(f"service: 16 heavy requests on 2 workers + 4 queued: statuses {statuses}; /health "
          f"meanwhile p50 {statistics.median(health) * 1000:.1f} ms, max {max(health) * 1000:.1f} ms")

    start = time.perf_counter()
    shorts = []
    for _ in range(200):
        short = socket.create_connection(("127.0.0.1", port))
        short.sendall(b"POST /verify HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        shorts.append(short)
    closed = 0
    for short in shorts:
        short.settimeout(30)
        try:
            while short.recv(4096):
                pass
            closed += 1
        except OSError:
            pass
        short.close()
    print(f"service: 200 short-body sockets, {closed} closed by the server after "
          f"{time.perf_counter() - start:.1f} s (body timeout {limits.body_timeout:g} s)")

    bodies = [json.dumps({"text": references}), '{"text": NaN}',
              json.dumps({"items": [{"id": n, "text": references} for n in range(5)]})]

    def load(until: float) -> int:
        done = 0
        with httpx.Client(base_url=url, timeout=60) as client:
            while time.monotonic() < until:
                body = bodies[done % len(bodies)]
                path = "/verify/batch" if '"items"' in body else "/verify"
                client.post(path, content=body, headers={"content-type": "application/json"})
                done += 1
        return done

    warm = time.monotonic() + min(30.0, soak / 4)
    with ThreadPoolExecutor(max_workers=3) as clients:
        list(clients.map(load, [warm] * 3))
    baseline = rss_kib()
    samples = [baseline]
    end = time.monotonic() + soak
    with ThreadPoolExecutor(max_workers=3) as clients:
        futures = [clients.submit(load, end) for _ in range(3)]
        while time.monotonic() < end:
            time.sleep(min(10.0, max(0.1, end - time.monotonic())))
            samples.append(rss_kib())
        requests = sum(f.result() for f in futures)
    print(f"service soak {soak:g} s: {requests} requests ({requests / soak:.0f}/s), RSS "
          f"{baseline / 1024:.0f} MB -> {samples[-1] / 1024:.0f} MB (max {max(samples) / 1024:.0f} MB,"
          f" ratio {samples[-1] / baseline:.3f})")
    server.should_exit = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=30.0, help="seconds allowed per step")
    parser.add_argument("--soak", type=float, default=60.0, help="seconds of service load")
    parser.add_argument("--index", type=Path, default=None,
                        help="index directory (default: a static-encoder index of 950 records)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["ladder", "online", "service"])
    args = parser.parse_args()

    from citecheck import Verifier
    from citecheck.config import SourceSpec
    from citecheck.index.build import build_index
    from citecheck.index.encoders import STATIC_ENCODER, get_encoder

    index_dir = args.index
    if index_dir is None:
        index_dir = Path(tempfile.mkdtemp(prefix="robustness-")) / "idx"
        build_index(index_dir, [SourceSpec(shared_file("hallmark", "valid_entries.jsonl"),
                                           "hallmark")], get_encoder(STATIC_ENCODER))
    verifier = Verifier.open(index_dir)
    print(f"index {index_dir}: {verifier.index.manifest.count} records, "
          f"{verifier.index.manifest.model}; step cap {args.cap:g} s\n")
    if "ladder" not in args.skip:
        ladder(index_dir, args.cap)
        print()
    if "online" not in args.skip:
        online_bounds()
        print()
    if "service" not in args.skip:
        service(verifier, args.soak)


if __name__ == "__main__":
    main()
