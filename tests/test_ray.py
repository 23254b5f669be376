"""`citecheck batch --ray` and citecheck.ray on a real local Ray instance (2 CPUs)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from citecheck import Verifier
from citecheck.batch import BatchResult, run_batch
from citecheck.errors import IndexMissingError
from citecheck.records import split_bibtex_authors

from conftest import ROOT

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[ray]'")

from citecheck.ray import run_batch_ray, verify_dataset  # noqa: E402

pytestmark = pytest.mark.slow

ANSWERS = 200
RAISES_ON = "Reflexive Quokka Calibration"
DIES_ON = "Unhinged Wombat Scheduling"


def reference(entry: dict[str, Any], year_shift: int = 0) -> str:
    fields = entry["fields"]
    authors = ", ".join(split_bibtex_authors(fields["author"]))
    venue = fields.get("booktitle") or fields.get("journal")
    return f"{authors}. {fields['title']}. In {venue}, {int(fields['year']) + year_shift}."


def make_answers(records: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """Two references per answer: real ones, some with a wrong year, some invented."""
    rows = []
    for number in range(count):
        refs = [reference(records[number % len(records)], -4 if number % 5 == 0 else 0),
                reference(records[(number * 7 + 3) % len(records)])]
        if number % 7 == 0:
            refs[1] = (f"Zanzibar Quokka and Lemony Snicket. Neural quokka herding number "
                       f"{number} with marshmallow transformers. In NeurIPS, 2021.")
        listed = "\n".join(f"{n}. {ref}" for n, ref in enumerate(refs, 1))
        rows.append({"id": f"a{number}", "model": f"model-{'ab'[number % 2]}",
                     "text": f"Prior work covers this.\n\nReferences\n\n{listed}\n"})
    return rows


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((row if isinstance(row, str) else json.dumps(row)) + "\n"
                            for row in rows), encoding="utf-8")
    return path


def output_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class Flaky:
    """A verifier that raises on answers holding RAISES_ON, as a bug in one answer would,
    and, while ``die_once`` does not exist yet, kills its own worker on DIES_ON."""

    def __init__(self, verifier: Verifier, die_once: Path | None) -> None:
        self.verifier, self.die_once = verifier, die_once

    def verify_many(self, texts: list[str]) -> list[Any]:
        if any(RAISES_ON in text for text in texts):
            raise RuntimeError("cannot handle this answer")
        dies = any(DIES_ON in text for text in texts)
        if dies and self.die_once is not None and not self.die_once.exists():
            self.die_once.touch()
            os._exit(1)  # the worker process dies mid-batch, as under the OOM killer
        return list(self.verifier.verify_many(texts))


def open_flaky(path: Path, *, die_once: Path | None = None, **options: Any) -> Flaky:
    return Flaky(Verifier.open(path, **options), die_once)


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    """A real local Ray instance with 2 CPUs, shared by the tests of this module."""
    # Actors unpickle the test's verifier factory; this module is not importable there.
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             object_store_memory=300 * 1024 * 1024)
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


@pytest.fixture(scope="module")
def answers(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = make_answers(records, ANSWERS)
    rows[41]["text"] += f"\n3. A. Author. {RAISES_ON}. In ICML, 2021.\n"
    return rows


@pytest.fixture(scope="module")
def input_file(tmp_path_factory: pytest.TempPathFactory, answers: list[dict[str, Any]]) -> Path:
    rows: list[Any] = list(answers)
    rows.insert(17, '{"id": "broken", "text": ')  # line 18
    return write_jsonl(tmp_path_factory.mktemp("ray-in") / "in.jsonl", rows)


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory, static_index: Path,
              input_file: Path) -> tuple[BatchResult, Path]:
    output = tmp_path_factory.mktemp("local-out") / "out.jsonl"
    verifier = open_flaky(static_index, closed_world=True)
    return run_batch(verifier, input_file, output, chunk_size=16), output


@pytest.fixture(scope="module")
def ray_run(tmp_path_factory: pytest.TempPathFactory, static_index: Path, input_file: Path,
            ray_address: str) -> tuple[BatchResult, Path]:
    output = tmp_path_factory.mktemp("ray-out") / "out.jsonl"
    result = run_batch_ray(input_file, output, index=static_index, chunk_size=16,
                           factory=open_flaky, closed_world=True)
    return result, output


def test_ray_batch_writes_the_same_lines_as_the_local_batch(
        local_run: tuple[BatchResult, Path], ray_run: tuple[BatchResult, Path]) -> None:
    assert ray_run[1].read_bytes() == local_run[1].read_bytes()
    rows = output_rows(ray_run[1])
    assert len(rows) == ANSWERS
    verdicts = {c["verdict"] for row in rows for c in row["citations"]}
    assert {"verified", "mismatch", "not_found"} <= verdicts


def test_ray_batch_reports_a_malformed_line_with_its_line_number(
        ray_run: tuple[BatchResult, Path]) -> None:
    result, _ = ray_run
    assert [(m.line_number, m.reason.startswith("invalid JSON")) for m in result.malformed] == [
        (18, True)]
    assert (result.lines, result.written) == (ANSWERS + 1, ANSWERS)


def test_ray_actor_raising_on_one_answer_reports_it_failed_and_goes_on(
        ray_run: tuple[BatchResult, Path]) -> None:
    result, output = ray_run
    assert [(f.id, f.reason) for f in result.failed] == [
        ("a41", "verification failed: RuntimeError: cannot handle this answer")]
    rows = {row["id"]: row for row in output_rows(output)}
    assert rows["a41"]["error"] and rows["a41"]["citations"] == []
    assert rows["a40"]["summary"]["total"] == 2 and rows["a42"]["summary"]["total"] == 2


def test_ray_worker_killed_mid_run_loses_no_line(
        tmp_path: Path, static_index: Path, records: list[dict[str, Any]],
        ray_address: str) -> None:
    rows = make_answers(records, 48)
    rows[30]["text"] += f"\n3. B. Author. {DIES_ON}. In ICML, 2021.\n"
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    died = tmp_path / "died"
    result = run_batch_ray(source, tmp_path / "out.jsonl", index=static_index, chunk_size=8,
                           factory=open_flaky, die_once=died, closed_world=True)
    assert died.exists()  # a worker did die
    assert (result.written, result.failed) == (48, [])
    assert [row["id"] for row in output_rows(tmp_path / "out.jsonl")] == [r["id"] for r in rows]


def test_ray_batch_without_the_index_on_a_node_stops_with_an_index_error(
        tmp_path: Path, input_file: Path, ray_address: str) -> None:
    with pytest.raises(IndexMissingError, match=r"on Ray node .*same path"):
        run_batch_ray(input_file, tmp_path / "out.jsonl", index=tmp_path / "not-shared")
    assert (tmp_path / "out.jsonl").read_bytes() == b""


def batch_command(source: Path, output: Path, index: Path, address: str) -> list[str]:
    return [sys.executable, "-m", "citecheck", "batch", str(source), "-o", str(output),
            "--index", str(index), "--ray", address]


def test_ray_batch_killed_then_rerun_writes_every_id_once(
        tmp_path: Path, static_index: Path, records: list[dict[str, Any]],
        ray_address: str) -> None:
    rows = make_answers(records, 240)
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    output = tmp_path / "out.jsonl"
    command = batch_command(source, output, static_index, ray_address)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    while not (output.exists() and output.stat().st_size) and time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"batch ended before it could be killed: {process.stderr.read()}")
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    written = output_rows(output) if output.read_bytes().endswith(b"\n") else None
    assert written is None or len(written) < len(rows)

    rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert "model-a" in rerun.stdout and "model-b" in rerun.stdout
    ids = [row["id"] for row in output_rows(output)]
    assert sorted(ids) == sorted(row["id"] for row in rows)


def test_verify_dataset_adds_the_report_columns(static_index: Path, records: list[dict[str, Any]],
                                                ray_address: str) -> None:
    rows = make_answers(records, 12)
    ds = ray.data.from_items([{"prompt": n, "answer": row["text"]} for n, row in enumerate(rows)])
    checked = verify_dataset(ds, index=static_index, column="answer", closed_world=True)
    out = sorted(checked.take_all(), key=lambda row: row["prompt"])
    expected = Verifier.open(static_index, closed_world=True).verify_many(
        [row["text"] for row in rows])
    assert [row["summary"] for row in out] == [report.summary for report in expected]
    assert [json.loads(row["citations"]) for row in out] == [
        report.to_dict()["citations"] for report in expected]
    assert all(row["error"] is None for row in out)
