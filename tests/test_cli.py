"""The command line end to end (subprocess): reports, exit codes and bad input."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
import weakref
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

pytestmark = pytest.mark.slow

REAL = ("Ahmed Abbas and Paul Swoboda. Combinatorial Optimization for Panoptic Segmentation: "
        "A Fully Differentiable Approach. In NeurIPS, 2021.")
INVENTED = ("Kaiming Zhou, Lisa Hartmann, and David Okafor. Neural Attention Distillation via "
            "Spectral Token Routing. In ICML, 2022.")


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_real_reference_verifies_and_exits_zero(index_dir: Path, tmp_path: Path) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(f"References\n\n[1] {REAL}\n", encoding="utf-8")
    result = run_cli(str(answer), "--index", str(index_dir), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["verified"] == 1
    assert report["citations"][0]["record"]["title"].startswith("Combinatorial Optimization")


def test_invented_reference_is_flagged_with_exit_one(index_dir: Path, tmp_path: Path) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(f"References\n\n[1] {REAL}\n[2] {INVENTED}\n", encoding="utf-8")
    result = run_cli(str(answer), "--index", str(index_dir), "--format", "json")
    assert result.returncode == 1
    verdicts = [c["verdict"] for c in json.loads(result.stdout)["citations"]]
    assert verdicts == ["verified", "not_found"]


def test_json_report_has_the_documented_shape(index_dir: Path) -> None:
    result = run_cli("-", "--index", str(index_dir), "--format", "json", stdin=f"[1] {REAL}\n")
    report = json.loads(result.stdout)
    assert set(report) == {"source", "index", "citations", "summary"}
    assert set(report["index"]) == {"path", "records", "model"}
    citation = report["citations"][0]
    assert {"text", "span", "kind", "fields", "verdict", "confidence", "record", "mismatches",
            "suggestions"} <= set(citation)
    assert set(citation["fields"]) == {"title", "authors", "year", "venue", "doi", "arxiv"}
    assert set(report["summary"]) == {"total", "verified", "mismatch", "not_found", "unverifiable",
                                      "mentions"}


def test_jsonl_is_one_line_and_markdown_is_a_table(index_dir: Path) -> None:
    jsonl = run_cli("-", "--index", str(index_dir), "--format", "jsonl", stdin=f"[1] {REAL}\n")
    assert len(jsonl.stdout.strip().splitlines()) == 1
    markdown = run_cli("-", "--index", str(index_dir), "--format", "markdown", stdin=f"[1] {REAL}\n")
    assert "| 1 | verified |" in markdown.stdout


def test_text_report_names_the_wrong_field(index_dir: Path) -> None:
    wrong_year = REAL.replace("2021", "2019")
    result = run_cli("-", "--index", str(index_dir), stdin=f"[1] {wrong_year}\n")
    assert result.returncode == 1
    assert "MISMATCH" in result.stdout and "year: cited '2019', expected '2021'" in result.stdout


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(str(tmp_path / "nope.txt"))
    assert result.returncode == 2
    assert "no such file" in one_line_error(result)


def test_directory_instead_of_file_is_refused(tmp_path: Path) -> None:
    result = run_cli(str(tmp_path))
    assert result.returncode == 2
    assert "directory" in one_line_error(result)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    binary = tmp_path / "model.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    result = run_cli(str(binary))
    assert result.returncode == 2
    assert "binary" in one_line_error(result)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    result = run_cli(str(empty))
    assert result.returncode == 2
    assert "empty" in one_line_error(result)


def test_non_utf8_text_is_refused_with_a_conversion_hint(tmp_path: Path) -> None:
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Schölkopf, B. (2001). Learning with kernels.".encode("latin-1"))
    result = run_cli(str(latin))
    assert result.returncode == 2
    assert "not UTF-8" in one_line_error(result)


def test_twenty_megabyte_file_is_refused(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_text(f"[1] {REAL}\n" * 160_000, encoding="utf-8")
    assert huge.stat().st_size > 20_000_000
    result = run_cli(str(huge))
    assert result.returncode == 2
    assert "limit" in one_line_error(result)


def test_index_info_shows_the_manifest(index_dir: Path) -> None:
    result = run_cli("index", "info", "--index", str(index_dir))
    assert result.returncode == 0
    manifest = json.loads(result.stdout)
    assert manifest["model"] == "all-MiniLM-L6-v2" and manifest["dimension"] == 384
    assert manifest["count"] > 300 and manifest["sources"][0]["sha256"]


def copy_index(index_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(index_dir, copy)
    return copy


def test_truncated_index_is_refused_with_rebuild_hint(index_dir: Path, tmp_path: Path) -> None:
    broken = copy_index(index_dir, tmp_path)
    vectors = broken / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:1000])
    result = run_cli("-", "--index", str(broken), stdin=f"[1] {REAL}\n")
    assert result.returncode == 3
    assert "rebuild" in one_line_error(result)


def test_corrupt_store_is_refused(index_dir: Path, tmp_path: Path) -> None:
    broken = copy_index(index_dir, tmp_path)
    store = broken / "records.db"
    size = store.stat().st_size
    store.write_bytes(b"\x00garbage" * (size // 8) + b"\x00" * (size % 8))
    result = run_cli("-", "--index", str(broken), stdin=f"[1] {REAL}\n")
    assert result.returncode == 3
    assert "rebuild" in one_line_error(result)


def test_index_built_with_another_model_is_refused(index_dir: Path, tmp_path: Path) -> None:
    other = copy_index(index_dir, tmp_path)
    manifest = json.loads((other / "manifest.json").read_text())
    manifest.update(model="sentence-transformers/all-mpnet-base-v2", dimension=768)
    (other / "manifest.json").write_text(json.dumps(manifest))
    result = run_cli("-", "--index", str(other), stdin=f"[1] {REAL}\n")
    assert result.returncode == 3
    assert "rebuild" in one_line_error(result)


def test_index_with_another_dimension_is_refused(index_dir: Path, tmp_path: Path) -> None:
    other = copy_index(index_dir, tmp_path)
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["dimension"] = 768
    (other / "manifest.json").write_text(json.dumps(manifest))
    result = run_cli("-", "--index", str(other), stdin=f"[1] {REAL}\n")
    assert result.returncode == 3
    assert "dimension" in one_line_error(result)


def test_missing_index_is_an_index_error(tmp_path: Path) -> None:
    result = run_cli("-", "--index", str(tmp_path / "none"), stdin=f"[1] {REAL}\n")
    assert result.returncode == 3
    assert "citecheck index build" in one_line_error(result)


def test_missing_default_sources_say_where_they_were_looked_for(tmp_path: Path) -> None:
    result = run_cli("index", "build", "--index", str(tmp_path / "idx"),
                     env={"CITECHECK_SOURCES": str(tmp_path / "absent.jsonl")})
    assert result.returncode == 2
    assert "absent.jsonl" in one_line_error(result)


LOST_INTERRUPT = """
import gc, sys, weakref
from citecheck import cli
cli._interrupt_requested.set()  # as SIGINT's handler does
sys.unraisablehook = cli._quiet_lost_interrupt  # as main() installs it
class Module: pass
def callback(_, error=KeyboardInterrupt):
    raise error
module = Module(); ref = weakref.ref(module, callback); del module; gc.collect()
module = Module(); ref = weakref.ref(module, lambda _: callback(_, ValueError("other"))); del module
"""


def test_an_interrupt_lost_in_a_callback_prints_no_traceback() -> None:
    # Ctrl-C landing in a weakref callback during an import: Python cannot raise it there
    # and would print "Exception ignored in ... Traceback ... KeyboardInterrupt" (seen in CI).
    result = subprocess.run([sys.executable, "-c", LOST_INTERRUPT], capture_output=True,
                            text=True, cwd=ROOT, timeout=120)
    assert "KeyboardInterrupt" not in result.stderr
    assert "ValueError: other" in result.stderr  # anything else is reported as before


def test_interrupted_build_keeps_the_previous_index(index_dir: Path, records_file: Path,
                                                    tmp_path: Path) -> None:
    target = copy_index(index_dir, tmp_path)
    before = json.loads((target / "manifest.json").read_text())["count"]
    bigger = tmp_path / "bigger.jsonl"
    bigger.write_text(records_file.read_text() * 1, encoding="utf-8")
    # Started with SIGINT ignored, as a shell starts a background job: it must still stop.
    process = subprocess.Popen(
        [sys.executable, "-m", "citecheck", "index", "build", "--index", str(target), str(bigger)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    deadline = time.time() + 120
    while time.time() < deadline and not list(tmp_path.glob(".copy.building-*")):
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert not list(tmp_path.glob(".copy.*"))
    after = run_cli("index", "info", "--index", str(target))
    assert json.loads(after.stdout)["count"] == before


def test_every_command_has_help() -> None:
    for command in (["--help"], ["verify", "--help"], ["index", "build", "--help"],
                    ["index", "info", "--help"], ["search", "--help"], ["fix", "--help"]):
        result = run_cli(*command)
        assert result.returncode == 0 and "Usage" in result.stdout, command


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_interrupt_python_dropped_still_stops_a_command_at_its_next_progress_step() -> None:
    from citecheck import cli

    previous = signal.signal(signal.SIGINT, cli._raise_interrupt)
    try:
        # Python prints and drops an exception raised in a weakref callback, as it did
        # for a Ctrl-C that landed in one while an index build was importing.
        class Target:
            pass

        target = Target()
        reference = weakref.ref(target, lambda _: signal.raise_signal(signal.SIGINT))
        del target
        assert reference() is None  # the callback ran; its KeyboardInterrupt was dropped
        with cli._progress_bar() as progress, pytest.raises(KeyboardInterrupt):
            progress("indexing records", 1, 10)
    finally:
        signal.signal(signal.SIGINT, previous)
        cli._interrupt_requested.clear()
