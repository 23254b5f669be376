"""An interrupted `citecheck batch` leaves only whole lines, and a rerun completes the output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from citecheck.records import split_bibtex_authors

from conftest import ROOT

# Twenty chunks of 32: the CLI's worker processes hold at most two chunks each in flight,
# so the first line appears long before the last (with 120 answers, a fast run could finish
# between the test seeing the first line and its signal arriving).
ANSWERS = 640


def reference(entry: dict[str, Any]) -> str:
    fields = entry["fields"]
    authors = ", ".join(split_bibtex_authors(fields["author"]))
    return f"{authors}. {fields['title']}. In {fields.get('booktitle')}, {fields['year']}."


def batch_command(source: Path, output: Path, index_dir: Path) -> list[str]:
    return [sys.executable, "-m", "citecheck", "batch", str(source), "-o", str(output),
            "--index", str(index_dir)]


@pytest.fixture()
def long_input(tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    """Enough answers (3 references each) that a run lasts several seconds."""
    source = tmp_path / "in.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for number in range(ANSWERS):
            refs = "\n".join(reference(records[(number * 3 + k) % len(records)]) for k in range(3))
            handle.write(json.dumps({"id": f"a{number}", "text": f"See:\n\n{refs}\n"}) + "\n")
    return source


def interrupt_after_first_line(command: list[str], output: Path, signum: int) -> int:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    # stderr goes to a file: an unread pipe could fill and stall the child. The child starts
    # with SIGINT ignored, as a shell starts a background job (and as CI may run the tests):
    # the command must still stop on it.
    stderr_path = output.with_suffix(".stderr")
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                   stderr=stderr, text=True, preexec_fn=ignore_sigint)
    deadline = time.monotonic() + 120
    while not (output.exists() and output.stat().st_size) and time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"batch ended before it could be interrupted: {stderr_path.read_text()}")
        time.sleep(0.05)
    process.send_signal(signum)
    return process.wait(timeout=120)


def ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.slow
def test_interrupted_batch_leaves_no_partial_line(index_dir: Path, tmp_path: Path,
                                                  long_input: Path) -> None:
    output = tmp_path / "out.jsonl"
    code = interrupt_after_first_line(batch_command(long_input, output, index_dir), output,
                                      signal.SIGINT)
    assert code == 130
    data = output.read_text(encoding="utf-8")
    assert data.endswith("\n")
    rows = [json.loads(line) for line in data.splitlines()]
    assert 0 < len(rows) < ANSWERS


@pytest.mark.slow
def test_rerun_after_a_kill_completes_every_id_once(index_dir: Path, tmp_path: Path,
                                                     long_input: Path) -> None:
    output = tmp_path / "out.jsonl"
    command = batch_command(long_input, output, index_dir)
    assert interrupt_after_first_line(command, output, signal.SIGTERM) == 130
    rerun = subprocess.run(command, cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"},
                           capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    ids = [json.loads(line)["id"] for line in output.read_text(encoding="utf-8").splitlines()]
    assert sorted(ids) == sorted(f"a{number}" for number in range(ANSWERS))
