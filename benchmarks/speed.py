"""Speed where users feel it, against an older checkout in the same run (issue 11's targets).

Figures: the warm CLI run of a 5-reference answer with 2 invented references (median wall
time of repeated runs); throughput on distinct all-invented and all-real references (no text
repeats, so no warm cache flatters it), in one library call (`verify_many`, one process) and
through `citecheck batch` with its default workers (one process per core since this stop);
with --first-run, the README command on a fresh index directory (default-index build
included, install excluded).

Each code tree runs in its own subprocess with its own default index, so the ratios
compare what a user of each version would see on this machine.

    .venv/bin/python benchmarks/speed.py [--baseline PATH] [--references 2000] [--first-run]

PATH is a checkout of the older code with its own virtual environment (e.g.
``git worktree add /tmp/baseline 17073e0 && cd /tmp/baseline && python3 -m venv .venv &&
.venv/bin/pip install -e .``), or any checkout run with this virtual environment.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SHARED, shared_file  # noqa: E402

CORPUS_FILE = ("corpus", "paperlists_accepted.jsonl.gz")
REFERENCES = (
    "Alexander Nichol and Prafulla Dhariwal. Improved Denoising Diffusion Probabilistic Models. "
    "In ICML, 2021.",
    "Alec Radford, Jong Wook Kim, Chris Hallacy, et al. Learning Transferable Visual Models From "
    "Natural Language Supervision. In ICML, 2021.",
    "David Acuna, Guojun Zhang, Marc T. Law, and Sanja Fidler. f-Domain Adversarial Learning: "
    "Theory and Algorithms. In ICML, 2021.",
    # Invented: no such papers.
    "Kaiming Zhou, Lisa Hartmann, and David Okafor. Neural Attention Distillation via Spectral "
    "Token Routing. In ICML, 2022.",
    "Priya Raman and Tomas Lindqvist. Certified Sparse Attention Bounds for Long-Context "
    "Transformers. In NeurIPS, 2023.",
)
ANSWER = ("Diffusion models and contrastive pre-training shaped recent work [1, 2]. Others "
          "proposed spectral token routing [4] and sparse attention certificates [5].\n\n"
          "References\n\n" + "".join(f"[{n}] {ref}\n" for n, ref in enumerate(REFERENCES, 1)))


def corpus_records(count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` distinct real records of the shared corpus, drawn evenly."""
    path = shared_file(*CORPUS_FILE)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    random.Random(seed).shuffle(rows)
    seen: set[str] = set()
    chosen = []
    for row in rows:
        if row["title"] not in seen and row.get("authors"):
            seen.add(row["title"])
            chosen.append(row)
        if len(chosen) == count:
            break
    return chosen


def render(record: dict[str, Any]) -> str:
    authors = list(dict.fromkeys(record["authors"]))  # some records list their authors twice
    names = ", ".join(authors[:-1]) + f", and {authors[-1]}" if len(authors) > 1 else authors[0]
    return f"{names}. {record['title']}. In {record['venue']}."


def invented(records: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """Fabrications as models write them: real words, names and venues, recombined."""
    rng = random.Random(seed)
    words = [w for r in records for w in r["title"].split() if len(w) > 3]
    names = [a for r in records for a in r["authors"]]
    fakes = []
    for number, record in enumerate(records):
        title = " ".join(rng.sample(words, 6)).capitalize() + f" {number}"
        fakes.append({"title": title, "authors": rng.sample(names, 3), "venue": record["venue"]})
    return fakes


def throughput_worker(path: Path) -> dict[str, Any]:
    """Run inside one code tree: references/s of one batched pass over the texts in ``path``."""
    from citecheck import Verifier

    texts = json.loads(path.read_text(encoding="utf-8"))
    verifier = Verifier.open()
    verifier.verify_many(texts[:20])  # the model/encoder load is not throughput
    started = time.perf_counter()
    reports = verifier.verify_many(texts[20:])
    elapsed = time.perf_counter() - started
    verdicts: dict[str, int] = {}
    for report in reports:
        for result in report.results:
            verdicts[result.verdict] = verdicts.get(result.verdict, 0) + 1
    return {"references": len(texts) - 20, "seconds": elapsed,
            "per_second": (len(texts) - 20) / elapsed, "verdicts": verdicts}


def run_tree(tree: Path, args: list[str], env: dict[str, str] | None = None,
             timeout: int = 3600) -> subprocess.CompletedProcess[str]:
    python = tree / ".venv" / "bin" / "python"
    if not python.exists():
        python = Path(sys.executable)
    inherited = {k: v for k, v in os.environ.items() if k != "CITECHECK_INDEX"}
    # Each tree uses its own default index unless the caller names one.
    full_env = {**inherited, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(tree), **(env or {})}
    return subprocess.run([str(python), *args], cwd=tree, env=full_env, capture_output=True,
                          text=True, timeout=timeout)


def warm_cli(tree: Path, answer: Path, runs: int) -> dict[str, Any]:
    """Median wall time of the CLI on the answer, after one run that builds/warms the index."""
    first = run_tree(tree, ["-m", "citecheck", str(answer)])
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        completed = run_tree(tree, ["-m", "citecheck", str(answer)])
        times.append(time.perf_counter() - started)
    summary = completed.stdout.strip().splitlines()[-1] if completed.stdout.strip() else ""
    return {"median_s": statistics.median(times), "runs": runs, "summary": summary,
            "first_run_exit": first.returncode, "stderr": completed.stderr[-300:]}


def throughput(tree: Path, texts: list[str]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(texts, handle)
    try:
        completed = run_tree(tree, [str(Path(__file__).resolve()), "--worker", handle.name])
    finally:
        Path(handle.name).unlink()
    if completed.returncode != 0:
        return {"error": completed.stderr[-500:]}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def batch_cli(tree: Path, texts: list[str]) -> dict[str, Any]:
    """References/s of `citecheck batch` as a user runs it (its default workers; process
    start and index opening included), one reference per line."""
    with tempfile.TemporaryDirectory() as scratch:
        source, output = Path(scratch) / "in.jsonl", Path(scratch) / "out.jsonl"
        source.write_text("".join(json.dumps({"id": n, "text": text}) + "\n"
                                  for n, text in enumerate(texts)), encoding="utf-8")
        started = time.perf_counter()
        completed = run_tree(tree, ["-m", "citecheck", "batch", str(source), "-o", str(output)])
        elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        return {"error": completed.stderr[-500:]}
    return {"references": len(texts), "seconds": elapsed, "per_second": len(texts) / elapsed}


def first_run(tree: Path, answer: Path) -> dict[str, Any]:
    """The README command on an empty index directory: default-index build + verification."""
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        completed = run_tree(tree, ["-m", "citecheck", str(answer)],
                             env={"CITECHECK_INDEX": str(Path(scratch) / "default")})
        return {"seconds": time.perf_counter() - started, "exit": completed.returncode}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", type=Path, default=None, help="older checkout to compare")
    parser.add_argument("--references", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--first-run", action="store_true")
    parser.add_argument("--worker", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(throughput_worker(args.worker)))
        return
    if not SHARED.is_dir():
        sys.exit(f"benchmark data not found: {SHARED}")
    trees = {"this checkout": ROOT}
    if args.baseline:
        trees["baseline"] = args.baseline.resolve()
    real = corpus_records(args.references + 20, seed=1)
    fake = invented(corpus_records(args.references + 20, seed=2), seed=3)
    with tempfile.TemporaryDirectory() as scratch:
        answer = Path(scratch) / "answer.md"
        answer.write_text(ANSWER, encoding="utf-8")
        results: dict[str, dict[str, Any]] = {}
        for name, tree in trees.items():
            figures: dict[str, Any] = {}
            if args.first_run:
                figures["first_run"] = first_run(tree, answer)
            figures["warm_cli"] = warm_cli(tree, answer, args.runs)
            figures["all_invented"] = throughput(tree, [render(r) for r in fake])
            figures["all_real"] = throughput(tree, [render(r) for r in real])
            figures["batch_cli_invented"] = batch_cli(tree, [render(r) for r in fake])
            figures["batch_cli_real"] = batch_cli(tree, [render(r) for r in real])
            results[name] = figures
            print(f"\n{name} ({tree})")
            print(json.dumps(figures, indent=1))
    if "baseline" in results:
        new, old = results["this checkout"], results["baseline"]
        print("\nratios (baseline / this checkout for time, this / baseline for rate):")
        print(f"  warm CLI, 5 references (2 invented): {old['warm_cli']['median_s']:.2f} s -> "
              f"{new['warm_cli']['median_s']:.2f} s "
              f"({old['warm_cli']['median_s'] / new['warm_cli']['median_s']:.1f}x faster)")
        for kind in ("all_invented", "all_real", "batch_cli_invented", "batch_cli_real"):
            if "per_second" in new[kind] and "per_second" in old[kind]:
                print(f"  {kind}: {old[kind]['per_second']:.0f}/s -> {new[kind]['per_second']:.0f}/s "
                      f"({new[kind]['per_second'] / old[kind]['per_second']:.1f}x)")


if __name__ == "__main__":
    main()
