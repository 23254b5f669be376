"""Building, opening and checking indexes: real SQLite and FAISS files in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from citecheck.cli import cli
from citecheck.config import SourceSpec
from citecheck.errors import IndexCorruptError, IndexMismatchError
from citecheck.index import Index
from citecheck.index.build import build_index
from citecheck.index.encoders import STATIC_ENCODER, get_encoder
from citecheck.index.manifest import MANIFEST_FILE
from citecheck.index.store import STORE_FILE
from citecheck.index.vectors import VECTORS_FILE, Vectors, record_text
from tests.conftest import VALID_ENTRIES


def hallmark_lines(start: int, stop: int) -> list[str]:
    if not VALID_ENTRIES.is_file():
        pytest.skip(f"shared records not found at {VALID_ENTRIES}")
    with VALID_ENTRIES.open(encoding="utf-8") as handle:
        return handle.readlines()[start:stop]


def write_source(path: Path, lines: list[str]) -> SourceSpec:
    path.write_text("".join(lines), encoding="utf-8")
    return SourceSpec(path, "hallmark")


@pytest.fixture(scope="module")
def static() -> object:
    return get_encoder(STATIC_ENCODER)


@pytest.fixture
def small_index(tmp_path: Path, static: object) -> Path:
    build_index(tmp_path / "idx", [write_source(tmp_path / "a.jsonl", hallmark_lines(0, 120))],
                static)  # type: ignore[arg-type]
    return tmp_path / "idx"


def test_cli_build_then_info_reports_count_and_encoder(tmp_path: Path) -> None:
    source = write_source(tmp_path / "a.jsonl", hallmark_lines(0, 50))
    runner = CliRunner()
    built = runner.invoke(cli, ["index", "build", "--index", str(tmp_path / "idx"),
                                "--encoder", "static", str(source.path)])
    info = runner.invoke(cli, ["index", "info", "--index", str(tmp_path / "idx")])
    assert built.exit_code == 0, built.output
    manifest = json.loads(info.output)
    assert (manifest["count"], manifest["model"], manifest["vector_index"]) == (
        50, STATIC_ENCODER, "flat")


def test_build_records_file_sizes_and_checksums_in_manifest(small_index: Path) -> None:
    manifest = json.loads((small_index / MANIFEST_FILE).read_text())
    for name in (STORE_FILE, VECTORS_FILE):
        assert manifest["files"][name]["size"] == (small_index / name).stat().st_size
        assert len(manifest["files"][name]["sha256"]) == 64


def test_records_sharing_a_title_year_and_first_author_across_sources_are_indexed_once(
        tmp_path: Path, static: object) -> None:
    first = write_source(tmp_path / "a.jsonl", hallmark_lines(0, 60))
    second = write_source(tmp_path / "b.jsonl", hallmark_lines(40, 100))
    manifest = build_index(tmp_path / "idx", [first, second], static)  # type: ignore[arg-type]
    assert manifest.count == 100
    assert [s["duplicates"] for s in manifest.sources] == [0, 20]


def test_same_citation_key_for_different_works_gets_a_unique_id(
        tmp_path: Path, static: object) -> None:
    entries = [json.loads(line) for line in hallmark_lines(0, 2)]
    entries[1]["bibtex_key"] = entries[0]["bibtex_key"]
    source = write_source(tmp_path / "a.jsonl", [json.dumps(e) + "\n" for e in entries])
    build_index(tmp_path / "idx", [source], static)  # type: ignore[arg-type]
    index = Index.open(tmp_path / "idx")
    ids = {record.id for record in index.store.get([0, 1]).values()}
    assert ids == {entries[0]["bibtex_key"], entries[0]["bibtex_key"] + "~2"}


def test_static_index_finds_a_record_from_a_perturbed_reference(small_index: Path) -> None:
    index = Index.open(small_index)
    record = index.store.get([7])[7]
    query = f"{record.authors[0]} et al. {record.title.lower()[:-3]} In {record.venue}."
    hits = index.vectors.search(index.encoder.encode_batch([query]), 3)[0]
    assert hits[0][0] == 7


def test_static_encoder_returns_unit_vectors_and_zero_for_empty_text(static: object) -> None:
    vectors = static.encode_batch(["Attention is all you need", ""])  # type: ignore[attr-defined]
    assert vectors.dtype == np.float32
    assert np.linalg.norm(vectors, axis=1) == pytest.approx([1.0, 0.0], abs=1e-5)


def test_truncated_vectors_file_is_refused_with_a_rebuild_hint(small_index: Path) -> None:
    vectors = small_index / VECTORS_FILE
    vectors.write_bytes(vectors.read_bytes()[:1000])
    with pytest.raises(IndexCorruptError, match="rebuild"):
        Index.open(small_index)


def test_corrupt_store_of_the_recorded_size_is_refused_with_a_rebuild_hint(
        small_index: Path) -> None:
    store = small_index / STORE_FILE
    store.write_bytes(b"\0" * store.stat().st_size)
    with pytest.raises(IndexCorruptError, match="rebuild"):
        Index.open(small_index)


def test_missing_manifest_is_refused_with_a_rebuild_hint(small_index: Path) -> None:
    (small_index / MANIFEST_FILE).unlink()
    with pytest.raises(IndexCorruptError, match="rebuild"):
        Index.open(small_index)


def test_index_built_with_another_encoder_is_refused_with_a_rebuild_hint(
        index_dir: Path, static: object) -> None:
    with pytest.raises(IndexMismatchError, match=r"rebuild.*--encoder static-MiniLM-L6-v2"):
        Index.open(index_dir, encoder=static)  # type: ignore[arg-type]


def test_index_with_another_dimension_is_refused(small_index: Path) -> None:
    manifest_path = small_index / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text())
    manifest["dimension"] = 256
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match="rebuild"):
        Index.open(small_index)


def test_index_built_with_an_unknown_encoder_is_refused_with_a_rebuild_hint(
        small_index: Path) -> None:
    manifest_path = small_index / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text())
    manifest["model"] = "sentence-transformers/all-mpnet-base-v2"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match=r"all-mpnet-base-v2.*rebuild"):
        Index.open(small_index)


def test_real_minilm_index_opens_with_its_own_encoder(index_dir: Path) -> None:
    index = Index.open(index_dir)
    assert (index.encoder.name, index.vectors.count) == ("all-MiniLM-L6-v2",
                                                          index.manifest.count)


def test_index_above_the_exact_limit_uses_quantised_codes_and_still_finds_records(
        tmp_path: Path, static: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("citecheck.index.vectors.EXACT_SEARCH_LIMIT", 100)
    source = write_source(tmp_path / "a.jsonl", hallmark_lines(0, 300))
    manifest = build_index(tmp_path / "idx", [source], static)  # type: ignore[arg-type]
    index = Index.open(tmp_path / "idx")
    titles = [index.store.get([rid])[rid].title for rid in (5, 150, 290)]
    hits = index.vectors.search(index.encoder.encode_batch(titles), 1)
    assert manifest.vector_index == "pq-sq8"
    assert [row[0][0] for row in hits] == [5, 150, 290]
    # Scores are cosines (as from exact search), not the L2 distances the codes rank by.
    records = index.store.get([5, 150, 290])
    stored = index.encoder.encode_batch([record_text(records[rid]) for rid in (5, 150, 290)])
    queries = index.encoder.encode_batch(titles)
    exact = (stored * queries).sum(axis=1)
    assert np.allclose([row[0][1] for row in hits], exact, atol=0.03)


def test_an_ivf_index_of_earlier_builds_is_still_searched(static: object) -> None:
    import faiss

    vectors = static.encode_batch([json.loads(line)["fields"]["title"]  # type: ignore[attr-defined]
                                   for line in hallmark_lines(0, 300)])
    quantizer = faiss.IndexFlatIP(vectors.shape[1])
    ivf = faiss.IndexIVFScalarQuantizer(quantizer, vectors.shape[1], 4,
                                        faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    ivf.train(vectors)
    index = faiss.IndexIDMap2(ivf)
    index.add_with_ids(vectors, np.arange(300, dtype=np.int64))
    loaded = Vectors(index)
    assert loaded.kind == "ivf-sq8"
    assert [row[0][0] for row in loaded.search(vectors[[7, 200]], 1)] == [7, 200]
