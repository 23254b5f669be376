"""Argument errors exit 2 with one line on stderr, before any work is done."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck.cli import main
from citecheck.config import SourceSpec
from citecheck.index.build import build_index
from citecheck.index.encoders import STATIC_ENCODER, get_encoder
from citecheck.index.manifest import MANIFEST_FILE
from tests.conftest import VALID_ENTRIES


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not VALID_ENTRIES.is_file():
        pytest.skip(f"shared records not found at {VALID_ENTRIES}")
    root = tmp_path_factory.mktemp("cli-args")
    with VALID_ENTRIES.open(encoding="utf-8") as handle:
        (root / "a.jsonl").write_text("".join(next(handle) for _ in range(30)), encoding="utf-8")
    build_index(root / "idx", [SourceSpec(root / "a.jsonl", "hallmark")],
                get_encoder(STATIC_ENCODER))
    return root / "idx"


def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


@pytest.mark.parametrize("args", [("search", ""), ("search", "   "),
                                  ("search", "attention", "-k", "-1"),
                                  ("search", "attention", "-k", "0")])
def test_bad_search_arguments_exit_2_with_one_line(small_index: Path, args: tuple[str, ...],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(*args, "--index", str(small_index), capsys=capsys)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1


def test_search_with_a_query_still_lists_records(small_index: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("search", "panoptic segmentation", "-k", "2", "--index", str(small_index),
                       capsys=capsys)
    assert code == 0
    assert len(out.strip().splitlines()) == 2


def test_removing_an_unknown_source_exits_2_and_leaves_the_index_unchanged(
        small_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (small_index / MANIFEST_FILE).read_bytes()
    code, _, err = run("index", "remove", "--source", "nope.bib", "--index", str(small_index),
                       capsys=capsys)
    assert code == 2
    assert "no source 'nope.bib'" in err and "a.jsonl" in err
    assert len(err.strip().splitlines()) == 1
    assert (small_index / MANIFEST_FILE).read_bytes() == before
