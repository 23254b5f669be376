"""Incremental updates and reliability: add, remove, interrupted writes, concurrent readers."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from citecheck.cli import cli
from citecheck.errors import IndexError_
from citecheck.index import Index
from citecheck.index.build import build_index
from citecheck.index.encoders import STATIC_ENCODER, get_encoder
from citecheck.index.manifest import BUILD_RECIPE, MANIFEST_FILE, load_manifest
from citecheck.index.store import STORE_FILE
from citecheck.index.update import add_to_index, remove_from_index
from citecheck.index.vectors import VECTORS_FILE
from tests.test_index import hallmark_lines, write_source
from tests.test_index_integrity import refresh_manifest


class CountingEncoder:
    """The static encoder, remembering every text it was asked to embed."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.inner = get_encoder(STATIC_ENCODER)
        self.name = self.inner.name
        self.dimension = self.inner.dimension
        self.texts: list[str] = []
        self.stop_after = stop_after

    def encode_batch(self, texts: list[str]) -> np.ndarray:
        if self.stop_after is not None and len(self.texts) >= self.stop_after:
            raise KeyboardInterrupt
        self.texts.extend(texts)
        return self.inner.encode_batch(texts)


@pytest.fixture
def index(tmp_path: Path) -> Path:
    build_index(tmp_path / "idx", [write_source(tmp_path / "a.jsonl", hallmark_lines(0, 100))],
                get_encoder(STATIC_ENCODER))
    return tmp_path / "idx"


def staging_leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.parent.glob(f".{directory.name}.*"))


def test_add_embeds_only_the_new_records(index: Path, tmp_path: Path) -> None:
    encoder = CountingEncoder()
    source = write_source(tmp_path / "b.jsonl", hallmark_lines(80, 130))
    summary = add_to_index(index, [source], encoder=encoder)
    assert (summary.added, summary.unchanged, len(encoder.texts)) == (30, 20, 30)


def test_add_updates_count_files_and_sources_in_the_manifest(index: Path, tmp_path: Path) -> None:
    before = load_manifest(index)
    add_to_index(index, [write_source(tmp_path / "b.jsonl", hallmark_lines(100, 140))])
    after = load_manifest(index)
    assert after.count == 140
    assert [Path(s["path"]).name for s in after.sources] == ["a.jsonl", "b.jsonl"]
    assert after.files[STORE_FILE]["sha256"] != before.files[STORE_FILE]["sha256"]
    assert after.built_at == before.built_at
    assert Index.open(index).vectors.count == 140


def test_adding_the_same_source_again_embeds_nothing(index: Path, tmp_path: Path) -> None:
    encoder = CountingEncoder()
    summary = add_to_index(index, [SourceSpecFor(tmp_path / "a.jsonl")], encoder=encoder)
    assert (summary.unchanged, summary.added, encoder.texts) == (100, 0, [])


def SourceSpecFor(path: Path):  # type: ignore[no-untyped-def]
    from citecheck.config import SourceSpec

    return SourceSpec(path, "hallmark")


def test_changed_record_replaces_its_row_and_vector_keeping_the_count(
        index: Path, tmp_path: Path) -> None:
    entry = json.loads(hallmark_lines(3, 4)[0])
    entry["fields"]["author"] += " and Ada Lovelace"
    encoder = CountingEncoder()
    summary = add_to_index(index, [write_source(tmp_path / "b.jsonl", [json.dumps(entry) + "\n"])],
                           encoder=encoder)
    opened = Index.open(index)
    assert (summary.updated, summary.added, len(encoder.texts)) == (1, 0, 1)
    assert opened.store.get([3])[3].authors[-1] == "Ada Lovelace"
    assert (opened.manifest.count, opened.vectors.count) == (100, 100)


def test_changed_record_is_found_by_its_new_title(index: Path, tmp_path: Path) -> None:
    entry = json.loads(hallmark_lines(3, 4)[0])
    entry["fields"]["doi"] = "10.1234/example.3"
    add_to_index(index, [write_source(tmp_path / "b.jsonl", [json.dumps(entry) + "\n"])])
    entry["fields"]["title"] = "Zebra Finches Sing Backwards Under Quantum Annealing"
    add_to_index(index, [write_source(tmp_path / "c.jsonl", [json.dumps(entry) + "\n"])])
    opened = Index.open(index)
    hits = opened.vectors.search(opened.encoder.encode_batch([entry["fields"]["title"]]), 1)
    assert hits[0][0][0] == 3
    assert opened.store.search("zebra finches", 1)[0][0] == 3
    assert opened.store.rids_by_title(entry["fields"]["title"]) == [3]
    assert 3 not in opened.store.rids_by_title(json.loads(hallmark_lines(3, 4)[0])["fields"]["title"])


def search_segments(index: Path) -> int:
    """How many segments the store's FTS5 index has (each has rows in records_fts_idx)."""
    with closing(sqlite3.connect(f"file:{index / STORE_FILE}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT count(DISTINCT segid) FROM records_fts_idx").fetchone()[0])


def test_adding_and_removing_records_leaves_one_search_segment(index: Path, tmp_path: Path) -> None:
    # FTS5 looks up every query word in every segment, and each change writes a new one.
    add_to_index(index, [write_source(tmp_path / "b.jsonl", hallmark_lines(100, 130))])
    assert search_segments(index) == 1
    remove_from_index(index, source="b.jsonl")
    assert search_segments(index) == 1
    assert Index.open(index).store.search("zebra finches quantum annealing", 5) == []


def test_remove_by_id_drops_the_record_its_vector_and_its_search_hit(index: Path) -> None:
    record = Index.open(index).store.get([5])[5]
    summary = remove_from_index(index, [record.id, "no-such-id"])
    opened = Index.open(index)
    assert (summary.removed, summary.missing) == (1, ["no-such-id"])
    assert (opened.manifest.count, opened.vectors.count) == (99, 99)
    assert opened.store.by_id(record.id) is None
    assert 5 not in [rid for rid, _ in opened.store.search(record.title, 5)]
    assert 5 not in opened.store.rids_by_title(record.title)


def test_remove_by_source_drops_its_records_and_its_manifest_entry(
        index: Path, tmp_path: Path) -> None:
    add_to_index(index, [write_source(tmp_path / "b.jsonl", hallmark_lines(100, 130))])
    summary = remove_from_index(index, source="b.jsonl")
    assert (summary.removed, summary.manifest.count) == (30, 100)
    assert [Path(s["path"]).name for s in summary.manifest.sources] == ["a.jsonl"]


def test_an_index_without_title_keys_gets_them_all_on_its_first_update(
        index: Path, tmp_path: Path) -> None:
    with closing(sqlite3.connect(index / STORE_FILE)) as conn, conn:
        conn.execute("DROP TABLE titles")  # as indexes built before title keys are
    refresh_manifest(index)
    assert not Index.open(index).store.has_title_keys
    add_to_index(index, [write_source(tmp_path / "b.jsonl", hallmark_lines(100, 101))])
    store = Index.open(index).store
    long_titled = [(rid, record) for rid, record in store.iter_records() if len(record.title) >= 30]
    assert len(long_titled) > 80  # of 101: the old records as well as the added one
    assert all(rid in store.rids_by_title(record.title) for rid, record in long_titled)


def test_an_update_keeps_the_recipe_its_index_was_built_with(index: Path, tmp_path: Path) -> None:
    # An index built before recipes were recorded stays so: an update does not split the
    # duplicates its build merged, so the default index is still rebuilt.
    path = index / MANIFEST_FILE
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert manifest.pop("recipe") == BUILD_RECIPE
    path.write_text(json.dumps(manifest), encoding="utf-8")
    add_to_index(index, [write_source(tmp_path / "b.jsonl", hallmark_lines(100, 101))])
    assert load_manifest(index).recipe == 0
    remove_from_index(index, [Index.open(index).store.get([5])[5].id])
    assert load_manifest(index).recipe == 0


def test_removed_record_can_be_added_back(index: Path, tmp_path: Path) -> None:
    record_id = Index.open(index).store.get([5])[5].id
    remove_from_index(index, [record_id])
    summary = add_to_index(index, [write_source(tmp_path / "b.jsonl", hallmark_lines(5, 6))])
    assert (summary.added, summary.manifest.count) == (1, 100)


def test_cli_add_and_remove_report_what_changed(index: Path, tmp_path: Path) -> None:
    source = write_source(tmp_path / "b.jsonl", hallmark_lines(90, 110))
    runner = CliRunner()
    added = runner.invoke(cli, ["index", "add", "--index", str(index), str(source.path)])
    removed = runner.invoke(cli, ["index", "remove", "--index", str(index), "--source", "b.jsonl"])
    assert "10 added, 0 updated, 10 unchanged" in added.output
    assert "10 removed; 100 records" in removed.output


def test_interrupted_build_leaves_the_previous_index_and_no_staging(
        index: Path, tmp_path: Path) -> None:
    sources = [write_source(tmp_path / "b.jsonl", hallmark_lines(0, 150)),
               write_source(tmp_path / "c.jsonl", hallmark_lines(150, 300))]
    encoder = CountingEncoder(stop_after=1)  # the first source embeds, the second is cut off
    with pytest.raises(KeyboardInterrupt):
        build_index(index, sources, encoder)  # type: ignore[arg-type]
    assert len(encoder.texts) == 150
    assert Index.open(index).manifest.count == 100
    assert staging_leftovers(index) == []


def test_interrupted_add_leaves_the_previous_index_and_no_staging(
        index: Path, tmp_path: Path) -> None:
    source = write_source(tmp_path / "b.jsonl", hallmark_lines(100, 150))
    with pytest.raises(KeyboardInterrupt):
        add_to_index(index, [source], encoder=CountingEncoder(stop_after=0))
    assert Index.open(index).manifest.count == 100
    assert staging_leftovers(index) == []


def test_disk_full_while_saving_is_a_one_line_index_error_and_keeps_the_index(
        index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(self: object, path: Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr("citecheck.index.vectors.Vectors.save", full)
    source = write_source(tmp_path / "b.jsonl", hallmark_lines(100, 150))
    with pytest.raises(IndexError_, match="no space left") as caught:
        add_to_index(index, [source])
    assert "\n" not in str(caught.value)
    assert Index.open(index).manifest.count == 100
    assert staging_leftovers(index) == []


def test_permission_denied_is_a_one_line_index_error(
        index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # We run as root, where chmod does not restrict: simulate the refused write.
    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(args[-1]))

    monkeypatch.setattr("citecheck.index.update.shutil.copyfile", refused)
    with pytest.raises(IndexError_, match="permission denied"):
        remove_from_index(index, ["x"])
    assert Index.open(index).manifest.count == 100


def test_crash_between_swap_renames_is_recovered_on_open(index: Path) -> None:
    dead_writer = index.parent / f".{index.name}.previous-{2**22 + 12345}"
    index.rename(dead_writer)
    assert Index.open(index).manifest.count == 100


def test_staging_left_by_a_dead_writer_is_removed_by_the_next_build(
        index: Path, tmp_path: Path) -> None:
    stale = index.parent / f".{index.name}.building-{2**22 + 12345}"
    stale.mkdir()
    build_index(index, [SourceSpecFor(tmp_path / "a.jsonl")], get_encoder(STATIC_ENCODER))
    assert not stale.exists()


def test_open_index_keeps_reading_its_version_after_an_update(
        index: Path, tmp_path: Path) -> None:
    opened = Index.open(index)
    add_to_index(index, [write_source(tmp_path / "b.jsonl", hallmark_lines(100, 150))])
    counts: list[int] = []
    thread = threading.Thread(target=lambda: counts.append(opened.store.count()))
    thread.start()
    thread.join()
    assert (opened.store.count(), counts, opened.store.get([99])[99].title) == (
        100, [100], Index.open(index).store.get([99])[99].title)
    assert Index.open(index).manifest.count == 150


def test_concurrent_reader_during_adds_sees_old_or_new_count_never_an_error(
        index: Path, tmp_path: Path) -> None:
    sources = [write_source(tmp_path / f"s{n}.jsonl", hallmark_lines(100 + 40 * n, 140 + 40 * n))
               for n in range(4)]
    seen: list[object] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                opened = Index.open(index)
                seen.append((opened.manifest.count, opened.store.count(), opened.vectors.count))
                opened.close()
            except Exception as exc:  # the assertion below reports it
                seen.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for source in sources:
            add_to_index(index, [source])
    finally:
        done.set()
        reader.join()
    errors = [item for item in seen if isinstance(item, Exception)]
    assert errors == []
    assert {item[0] for item in seen} <= {100, 140, 180, 220, 260}  # type: ignore[index]
    assert all(len(set(item)) == 1 for item in seen)  # type: ignore[arg-type]
    assert len(seen) > 1


def test_manifest_and_files_stay_consistent_after_add_and_remove(
        index: Path, tmp_path: Path) -> None:
    add_to_index(index, [write_source(tmp_path / "b.jsonl", hallmark_lines(100, 120))])
    remove_from_index(index, source="a.jsonl")
    manifest = json.loads((index / MANIFEST_FILE).read_text())
    assert manifest["count"] == 20
    for name in (STORE_FILE, VECTORS_FILE):
        assert manifest["files"][name]["size"] == (index / name).stat().st_size


def test_flat_index_that_outgrows_exact_search_becomes_quantised_without_reembedding(
        index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("citecheck.index.vectors.EXACT_SEARCH_LIMIT", 120)
    encoder = CountingEncoder()
    summary = add_to_index(index, [write_source(tmp_path / "b.jsonl", hallmark_lines(100, 200))],
                           encoder=encoder)
    opened = Index.open(index)
    assert (summary.manifest.vector_index, len(encoder.texts)) == ("pq-sq8", 100)
    title = opened.store.get([10])[10].title
    assert opened.vectors.search(opened.encoder.encode_batch([title]), 1)[0][0][0] == 10


def test_remove_from_a_binary_index_rebuilds_it_without_the_record(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("citecheck.index.vectors.EXACT_SEARCH_LIMIT", 100)
    directory = tmp_path / "idx"
    build_index(directory, [write_source(tmp_path / "a.jsonl", hallmark_lines(0, 300))],
                get_encoder(STATIC_ENCODER))
    record = Index.open(directory).store.get([150])[150]
    remove_from_index(directory, [record.id])
    opened = Index.open(directory)
    assert (opened.manifest.vector_index, opened.vectors.count) == ("pq-sq8", 299)
    titles = [record.title, opened.store.get([5])[5].title]
    nearest = [row[0][0] for row in opened.vectors.search(opened.encoder.encode_batch(titles), 1)]
    assert nearest[0] != 150 and nearest[1] == 5
