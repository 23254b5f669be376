"""A damaged index is an error (exit 3), never an empty answer: real SQLite and FAISS files in tmp_path."""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from citecheck.cli import main
from citecheck.config import SourceSpec
from citecheck.errors import IndexCorruptError
from citecheck.index import Index
from citecheck.index.build import build_index
from citecheck.index.encoders import STATIC_ENCODER, get_encoder
from citecheck.index.manifest import MANIFEST_FILE, file_digest
from citecheck.index.store import STORE_FILE, Store
from citecheck.index.vectors import VECTORS_FILE
from tests.conftest import VALID_ENTRIES


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real 80-record index (static encoder), built once and copied per test."""
    if not VALID_ENTRIES.is_file():
        pytest.skip(f"shared records not found at {VALID_ENTRIES}")
    root = tmp_path_factory.mktemp("pristine")
    with VALID_ENTRIES.open(encoding="utf-8") as handle:
        lines = [next(handle) for _ in range(80)]
    (root / "a.jsonl").write_text("".join(lines), encoding="utf-8")
    build_index(root / "idx", [SourceSpec(root / "a.jsonl", "hallmark")],
                get_encoder(STATIC_ENCODER))
    return root / "idx"


@pytest.fixture
def index(pristine: Path, tmp_path: Path) -> Path:
    target = tmp_path / "idx"
    target.mkdir()
    for file in pristine.iterdir():
        (target / file.name).write_bytes(file.read_bytes())
    return target


def cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the console entry point in-process: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


def overwrite(path: Path, offset: int, size: int) -> None:
    """Overwrite bytes in place, keeping the file's size (what size checks cannot see)."""
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(bytes((n * 37 + 11) % 256 for n in range(size)))


def refresh_manifest(index: Path) -> None:
    """Record the files' current sizes and checksums, as a tool that rewrote them would."""
    manifest = json.loads((index / MANIFEST_FILE).read_text(encoding="utf-8"))
    for name in manifest["files"]:
        manifest["files"][name] = file_digest(index / name)
    (index / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")


def writable(index: Path) -> sqlite3.Connection:
    return sqlite3.connect(index / STORE_FILE, isolation_level=None)


def test_intact_index_passes_verify_with_exit_0(index: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli("index", "verify", "--index", str(index), capsys=capsys)
    assert code == 0, err
    assert "sha256 verified for records.db, vectors.faiss" in err


def test_page_overwritten_inside_the_store_fails_verify_with_exit_3(
        index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    overwrite(index / STORE_FILE, 8192, 4096)
    code, _, err = cli("index", "verify", "--index", str(index), capsys=capsys)
    assert code == 3
    assert "records.db has sha256" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_bytes_overwritten_inside_the_vectors_fail_info_verify_with_exit_3(
        index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    size = (index / VECTORS_FILE).stat().st_size
    overwrite(index / VECTORS_FILE, size // 2, 8192)
    code, out, err = cli("index", "info", "--verify", "--index", str(index), capsys=capsys)
    assert code == 3
    assert "vectors.faiss has sha256" in err
    assert out == ""  # no manifest printed for a damaged index


def test_bytes_overwritten_inside_the_vectors_after_a_check_are_refused_on_open(
        index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Index.open(index).close()  # found intact: the files' stamps are recorded
    size = (index / VECTORS_FILE).stat().st_size
    overwrite(index / VECTORS_FILE, size // 2, 8192)
    with pytest.raises(IndexCorruptError, match=r"vectors\.faiss has sha256.*rebuild"):
        Index.open(index)
    answer = tmp_path / "answer.txt"
    answer.write_text("See Smith and Jones (2020).\n", encoding="utf-8")
    code, _, err = cli(str(answer), "--index", str(index), capsys=capsys)
    assert code == 3 and "vectors.faiss has sha256" in err
    assert len(err.strip().splitlines()) == 1


def test_files_unchanged_since_their_last_check_are_not_hashed_again(
        index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import citecheck.index.integrity as integrity

    hashed: list[str] = []

    def counting_digest(path: Path) -> dict[str, object]:
        hashed.append(path.name)
        return file_digest(path)

    monkeypatch.setattr(integrity, "file_digest", counting_digest)
    Index.open(index).close()
    assert sorted(hashed) == [STORE_FILE, VECTORS_FILE]
    hashed.clear()
    Index.open(index).close()
    assert hashed == []
    os.utime(index / STORE_FILE)  # written since: hashed again (and still intact)
    Index.open(index).close()
    assert hashed == [STORE_FILE]


def test_damage_hidden_by_a_refreshed_manifest_is_caught_by_sqlite_integrity_check(
        index: Path) -> None:
    with writable(index) as conn:
        # Break the id index's agreement with the table, as a torn page write would.
        conn.execute("PRAGMA writable_schema=ON")
        conn.execute("""UPDATE sqlite_master SET sql = replace(sql, '("id")', '("title")') """
                     "WHERE type = 'index' AND name = 'idx_records_id'")
    refresh_manifest(index)
    from citecheck.index.integrity import verify_index

    with pytest.raises(IndexCorruptError, match=r"records\.db: "):
        verify_index(index)


def test_dropped_search_table_is_refused_on_open_not_answered_empty(index: Path) -> None:
    with writable(index) as conn:
        conn.execute("DROP TABLE records_fts")
    refresh_manifest(index)  # sizes and checksums agree: only the schema check can tell
    with pytest.raises(IndexCorruptError, match=r"table records_fts missing.*rebuild"):
        Index.open(index)


def test_sqlite_error_during_a_search_raises_index_corrupt_error(index: Path) -> None:
    with writable(index) as conn:
        conn.execute("UPDATE records_fts_data SET block = x'ffffffffffffffffffffffff' "
                     "WHERE id > 10")  # the FTS leaf pages: "database disk image is malformed"
    store = Store(index / STORE_FILE)
    try:
        with pytest.raises(IndexCorruptError, match="rebuild"):
            store.search("combinatorial optimization panoptic segmentation")
    finally:
        store.close()


def test_damaged_store_makes_verification_exit_3_never_1(
        index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with writable(index) as conn:
        conn.execute("UPDATE records_fts_data SET block = x'ffffffffffffffffffffffff' "
                     "WHERE id > 10")  # the FTS leaf pages: "database disk image is malformed"
    refresh_manifest(index)
    answer = tmp_path / "answer.txt"
    answer.write_text("Ahmed Abbas and Paul Swoboda. Combinatorial Optimization for Panoptic "
                      "Segmentation: A Fully Differentiable Approach. In NeurIPS, 2021.\n",
                      encoding="utf-8")
    code, _, err = cli(str(answer), "--index", str(index), capsys=capsys)
    assert code == 3, err
    assert "cannot read" in err and "Traceback" not in err


@pytest.mark.parametrize("change", [{"files": None}, {"count": "80"}, {"dimension": True},
                                    {"sources": {"a": 1}}, {"files": {"records.db": 5}},
                                    {"files": {"../../etc/passwd": {"size": 1}}}])
def test_manifest_with_wrong_field_types_is_a_one_line_index_error(
        index: Path, change: dict[str, object], capsys: pytest.CaptureFixture[str]) -> None:
    manifest = json.loads((index / MANIFEST_FILE).read_text(encoding="utf-8"))
    (index / MANIFEST_FILE).write_text(json.dumps({**manifest, **change}), encoding="utf-8")
    code, _, err = cli("index", "info", "--index", str(index), capsys=capsys)
    assert code == 3
    assert "manifest.json" in err and "rebuild" in err
    assert len(err.strip().splitlines()) == 1


def test_manifest_that_is_not_an_object_is_a_one_line_index_error(
        index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (index / MANIFEST_FILE).write_text("[1, 2]", encoding="utf-8")
    code, _, err = cli("index", "info", "--index", str(index), capsys=capsys)
    assert code == 3 and len(err.strip().splitlines()) == 1


def test_staging_left_by_a_dead_writer_is_removed_when_the_index_is_opened(index: Path) -> None:
    dead_pid = 2**22 + 12345  # above Linux's default pid_max: never a live process
    stale = index.parent / f".{index.name}.building-{dead_pid}"
    stale.mkdir()
    (stale / STORE_FILE).write_bytes(b"partial")
    Index.open(index).close()
    assert not stale.exists()


def test_staging_of_a_live_writer_is_kept_and_reported_by_verify(
        index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    live = index.parent / f".{index.name}.updating-{os.getpid()}"
    live.mkdir()
    code, _, err = cli("index", "verify", "--index", str(index), capsys=capsys)
    assert code == 0
    assert live.exists()
    assert f"left over by a writer: staging directory {live}" in err


def test_search_with_many_distinct_words_grows_linearly(index: Path) -> None:
    """Distinct-word collection was a list membership test: 50 k words took 97 s."""
    store = Store(index / STORE_FILE)

    def seconds(characters: int, run: int = 0) -> float:
        # Different words each run, so no cache along the way answers a repeat.
        words = " ".join(f"w{n}x{run}" for n in range(characters // 7 + 1))[:characters]
        start = time.perf_counter()
        store.search(words)
        return time.perf_counter() - start

    try:
        seconds(1_000)  # warm the connection
        # The best of three: the machine is shared, and a stall is not the code's growth.
        ladder = [min(seconds(size, run) for run in range(3))
                  for size in (10_000, 100_000, 1_000_000)]
    finally:
        store.close()
    # Linear is ~10 a step; the quadratic version was ~100.
    assert [round(b / a) < 30 for a, b in itertools.pairwise(ladder)] == [True, True], ladder
