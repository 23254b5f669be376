"""References/s of one process on distinct invented and real references (issue 11).

The same references as benchmarks/speed.py (its invented ones: real words, names and
venues recombined), verified with ``Verifier.verify_many`` against the default index; the
median of ``--runs`` passes, each in a fresh process, since the verifier's caches (titles,
names, tokens) are per process and would flatter a later pass (passes in one process did,
before 2026-12-02). ``--profile`` prints cProfile's top functions of one pass instead.

``--processes N`` measures issue 11's setting instead: `citecheck batch` (``run_batch``)
with N worker processes over answers of 5 of the references each, process start and index
opening included; then the references are all distinct and none is a warm-up.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/throughput.py [--references 500] [--runs 3]
        [--kind invented|real|both] [--profile] [--processes 2]
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import pstats
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import corpus_records, invented, render

from citecheck.index.encoders import SPARSE_FROM

WARM_UP = 20  # references verified first: the encoder's load is not throughput


def references(kind: str, count: int) -> list[str]:
    """speed.py's references of one kind (same seeds), the first WARM_UP for warming up."""
    if kind == "real":
        return [render(r) for r in corpus_records(count + WARM_UP, seed=1)]
    return [render(r) for r in invented(corpus_records(count + WARM_UP, seed=2), seed=3)]


def one_pass(texts: list[str], profile: bool = False) -> float:
    """References/s of one verify_many pass over ``texts`` after the warm-up ones."""
    from citecheck import Verifier

    with Verifier.open() as verifier:
        verifier.verify_many(texts[:WARM_UP])
        # A batch of SPARSE_FROM texts or more is embedded by way of scipy: load it now too.
        verifier.index.encoder.encode_batch(texts[:WARM_UP] * (SPARSE_FROM // WARM_UP + 1))
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        verifier.verify_many(texts[WARM_UP:])
        if profiler is not None:
            profiler.disable()
        elapsed = time.perf_counter() - started
    if profiler is not None:
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
    return (len(texts) - WARM_UP) / elapsed


def fresh_pass(texts: list[str]) -> float:
    """``one_pass`` in a new process: module-level caches (titles, names, tokens) start empty."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(one_pass, texts).result()


def batch_pass(texts: list[str], processes: int, per_answer: int = 5) -> float:
    """References/s of one `citecheck batch` run over ``texts``, ``processes`` workers."""
    from batch import bench_batch, reference_lists

    from citecheck import Verifier

    with tempfile.TemporaryDirectory() as folder, Verifier.open() as verifier:
        elapsed = bench_batch(verifier, reference_lists(texts, per_answer), processes,
                              Path(folder), processes=True)
    return len(texts) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--references", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kind", choices=("invented", "real", "both"), default="both")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--processes", type=int, default=0,
                        help="run `citecheck batch` with this many worker processes")
    args = parser.parse_args()
    kinds = ("invented", "real") if args.kind == "both" else (args.kind,)
    for kind in kinds:
        texts = references(kind, args.references)
        if args.profile:
            print(f"== {kind}: {one_pass(texts, profile=True):.0f} references/s (profiled)")
            continue
        if args.processes:
            rates = [batch_pass(texts, args.processes) for _ in range(args.runs)]
        else:
            rates = [fresh_pass(texts) for _ in range(args.runs)]
        where = f"batch, {args.processes} processes" if args.processes else "one process"
        print(f"{kind} ({where}): {statistics.median(rates):.0f} references/s "
              f"(median of {args.runs}: {', '.join(f'{r:.0f}' for r in rates)})", flush=True)


if __name__ == "__main__":
    main()
