"""Shared fixtures: a real index (SQLite + FAISS + MiniLM) built once per session from real records."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
VALID_ENTRIES = SHARED_DATA / "hallmark" / "valid_entries.jsonl"
FIXTURES = Path(__file__).resolve().parent / "data"
# Enough real records to make retrieval non-trivial, few enough to embed in seconds.
SLICE = 300

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def hallmark_slice(target: Path, count: int = SLICE) -> Path:
    """The first ``count`` real DBLP records of the shared set, plus every 2026 arXiv record."""
    if not VALID_ENTRIES.is_file():
        pytest.skip(f"shared records not found at {VALID_ENTRIES}")
    with VALID_ENTRIES.open(encoding="utf-8") as handle:
        lines = list(itertools.islice(handle, count))
    with VALID_ENTRIES.open(encoding="utf-8") as handle:
        lines += [line for line in handle if '"year": "2026"' in line][:20]
    target.write_text("".join(lines), encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def records_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hallmark_slice(tmp_path_factory.mktemp("sources") / "records.jsonl")


@pytest.fixture(scope="session")
def records(records_file: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in records_file.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory, records_file: Path) -> Path:
    from citecheck.config import COMPLETE_VENUE_YEARS, SourceSpec
    from citecheck.index.build import build_index
    from citecheck.index.encoders import get_encoder

    directory = tmp_path_factory.mktemp("index") / "small"
    # The slice stands in for accepted-paper lists: its venue-years are declared complete,
    # so an invented paper of those venue-years is not_found.
    build_index(directory, [SourceSpec(records_file, "hallmark", COMPLETE_VENUE_YEARS)],
                get_encoder("all-MiniLM-L6-v2"))
    return directory


@pytest.fixture(scope="session")
def static_index(tmp_path_factory: pytest.TempPathFactory, records_file: Path) -> Path:
    """The same records with the static encoder, which needs no torch: opened in a process
    that has used torch's threads, it can still be used by processes forked from it."""
    from citecheck.config import SourceSpec
    from citecheck.index.build import build_index
    from citecheck.index.encoders import get_encoder

    directory = tmp_path_factory.mktemp("index") / "static"
    build_index(directory, [SourceSpec(records_file, "hallmark")], get_encoder("static"))
    return directory


@pytest.fixture(scope="session")
def verifier(index_dir: Path):  # type: ignore[no-untyped-def]
    from citecheck import Verifier

    opened = Verifier.open(index_dir)
    yield opened
    opened.close()


def complete_index_of(records: Path, directory: Path):  # type: ignore[no-untyped-def]
    """A verifier over a small file of real corpus records (citecheck JSONL), its
    venue-years declared complete as the default index declares the accepted-paper lists."""
    from citecheck import Verifier
    from citecheck.config import COMPLETE_VENUE_YEARS, SourceSpec
    from citecheck.index.build import build_index
    from citecheck.index.encoders import get_encoder

    build_index(directory, [SourceSpec(records, "jsonl", COMPLETE_VENUE_YEARS)],
                get_encoder("static"))
    return Verifier.open(directory)


def only_result(verifier, text: str):  # type: ignore[no-untyped-def]
    """The one citation result of ``text`` (fails when there is not exactly one)."""
    results = verifier.verify_text(text).results
    assert len(results) == 1, [r.citation.text for r in results]
    return results[0]


def run_cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m citecheck`` in a subprocess, as a user would."""
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "citecheck", *args], input=stdin, capture_output=True,
        env=full_env, cwd=cwd or ROOT, timeout=600, text=True,
    )
