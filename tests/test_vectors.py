"""The dense channel's FAISS structures, on real record vectors (the static encoder's)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import faiss
import numpy as np
import pytest

from citecheck.index.encoders import STATIC_ENCODER, get_encoder
from citecheck.index.vectors import (
    EXACT_SEARCH_LIMIT,
    REFINE_FACTOR,
    Vectors,
    embedding_text,
    new_binary_index,
    new_flat_index,
    new_large_index,
    new_pq_index,
    vector_kind,
)
from tests.conftest import VALID_ENTRIES

COUNT = 900
FIRST_RID = 5_000  # FAISS ids are store rids, not positions
PROBES = range(0, COUNT, 9)  # 100 records queried by title


@pytest.fixture(scope="module")
def corpus() -> tuple[np.ndarray, np.ndarray]:
    """(record vectors, title-query vectors) of the first COUNT real DBLP records."""
    if not VALID_ENTRIES.is_file():
        pytest.skip(f"shared records not found at {VALID_ENTRIES}")
    with VALID_ENTRIES.open(encoding="utf-8") as handle:
        fields = [json.loads(line)["fields"] for line in itertools.islice(handle, COUNT)]
    encoder = get_encoder(STATIC_ENCODER)
    records = encoder.encode_batch([
        embedding_text(f["title"], [a.split()[-1] for a in f.get("author", "").split(" and ") if a])
        for f in fields])
    titles = encoder.encode_batch([fields[i]["title"] for i in PROBES])
    return records, titles


def rids(count: int = COUNT) -> np.ndarray:
    return np.arange(FIRST_RID, FIRST_RID + count, dtype=np.int64)


def built(new: object, records: np.ndarray) -> Vectors:
    vectors = Vectors(new(records))  # type: ignore[operator]
    vectors.add(records, rids(len(records)))
    return vectors


def exact_top(records: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    return FIRST_RID + np.argsort(-(queries @ records.T), axis=1)[:, :k]


def test_new_builds_above_the_exact_limit_use_pq_codes() -> None:
    assert vector_kind(EXACT_SEARCH_LIMIT) == "flat"
    assert vector_kind(EXACT_SEARCH_LIMIT + 1) == "pq-sq8"
    training = np.random.default_rng(0).standard_normal((600, 384)).astype(np.float32)
    assert Vectors(new_large_index(training)).kind == "pq-sq8"


def test_pq_index_finds_the_exact_nearest_and_returns_cosines(
        corpus: tuple[np.ndarray, np.ndarray]) -> None:
    records, titles = corpus
    vectors = built(new_pq_index, records)
    assert vectors.kind == "pq-sq8" and vectors.count == COUNT
    refine = faiss.downcast_index(vectors.index.index)
    assert isinstance(faiss.downcast_index(refine.base_index), faiss.IndexPreTransform)
    assert refine.k_factor == REFINE_FACTOR
    hits = vectors.search(titles, 10)
    exact = exact_top(records, titles, 10)
    # The title's own record is the exact nearest for (almost) every probe; the PQ-SQ8
    # index returns the same first hit.
    own = FIRST_RID + np.array(list(PROBES))
    assert (exact[:, 0] == own).mean() >= 0.95
    assert [row[0][0] for row in hits] == exact[:, 0].tolist()
    recall = np.mean([len({rid for rid, _ in row} & set(top)) / 10
                      for row, top in zip(hits, exact, strict=True)])
    assert recall >= 0.9
    # Scores are cosines of the stored (SQ8) vectors, not the L2 distances ranked by.
    first = [row[0] for row in hits]
    cosines = [float(records[rid - FIRST_RID] @ query) for (rid, _), query
               in zip(first, titles, strict=True)]
    assert np.allclose([score for _, score in first], cosines, atol=0.02)
    assert min(score for _, score in first) > 0.3, min(score for _, score in first)


def test_pq_index_saves_loads_mapped_and_removes(
        corpus: tuple[np.ndarray, np.ndarray], tmp_path: Path) -> None:
    records, titles = corpus
    path = tmp_path / "vectors.faiss"
    built(new_pq_index, records).save(path)
    before = Vectors.load(path, mapped=True).search(titles, 5)
    for loaded in (Vectors.load(path), Vectors.load(path, mapped=True)):
        assert loaded.kind == "pq-sq8" and loaded.count == COUNT
        assert faiss.downcast_index(loaded.index.index).k_factor == REFINE_FACTOR
        assert loaded.search(titles, 5) == before
    writer = Vectors.load(path)
    gone = [int(row[0][0]) for row in before[:10]]
    assert writer.remove([*gone, 10**9]) == 10  # an absent rid is ignored
    assert writer.kind == "pq-sq8" and writer.count == COUNT - 10
    after = writer.search(titles, 5)
    assert not {rid for row in after for rid, _ in row} & set(gone)
    # Every other record is still found first, from the same trained codes.
    assert [row[0] for row in after[10:]] == [row[0] for row in before[10:]]
    writer.save(path)
    reread = Vectors.load(path, mapped=True)
    assert reread.kind == "pq-sq8" and reread.search(titles, 5) == after


def test_remove_everything_leaves_an_empty_searchable_index(
        corpus: tuple[np.ndarray, np.ndarray]) -> None:
    records, titles = corpus
    vectors = built(new_pq_index, records[:40])
    assert vectors.remove(list(range(FIRST_RID, FIRST_RID + 37))) == 37
    assert vectors.count == 3
    assert {rid for rid, _ in vectors.search(titles[:1], 10)[0]} == set(
        range(FIRST_RID + 37, FIRST_RID + 40))
    assert vectors.remove(list(range(FIRST_RID + 37, FIRST_RID + 40))) == 3
    assert vectors.search(titles[:1], 10) == [[]]
    vectors.add(records[:0], rids(0))  # adding nothing is a no-op (FAISS would crash)
    vectors.add(records[:2], rids(2))
    assert [row[0][0] for row in vectors.search(records[:2], 1)] == [FIRST_RID, FIRST_RID + 1]


def test_binary_sq8_index_of_earlier_builds_still_loads_searches_and_removes(
        corpus: tuple[np.ndarray, np.ndarray], tmp_path: Path) -> None:
    records, titles = corpus
    path = tmp_path / "vectors.faiss"
    built(new_binary_index, records).save(path)
    loaded = Vectors.load(path, mapped=True)
    assert loaded.kind == "binary-sq8"
    hits = loaded.search(titles, 10)
    assert [row[0][0] for row in hits] == exact_top(records, titles, 1)[:, 0].tolist()
    assert abs(hits[0][0][1] - float(records[0] @ titles[0])) < 0.02  # a cosine
    writer = Vectors.load(path)
    assert writer.remove([FIRST_RID, FIRST_RID + 9]) == 2
    assert writer.kind == "binary-sq8" and writer.count == COUNT - 2
    after = writer.search(titles[:3], 1)
    assert after[0][0][0] != FIRST_RID and after[1][0][0] != FIRST_RID + 9
    assert after[2][0][0] == hits[2][0][0]


def test_ivf_index_of_earlier_builds_still_loads_searches_and_removes(
        corpus: tuple[np.ndarray, np.ndarray], tmp_path: Path) -> None:
    records, titles = corpus
    quantizer = faiss.IndexFlatIP(records.shape[1])
    ivf = faiss.IndexIVFScalarQuantizer(quantizer, records.shape[1], 8,
                                        faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    ivf.train(records)
    index = faiss.IndexIDMap2(ivf)
    index.add_with_ids(records, rids())
    path = tmp_path / "vectors.faiss"
    faiss.write_index(index, str(path))
    loaded = Vectors.load(path, mapped=True)
    assert loaded.kind == "ivf-sq8"
    hits = loaded.search(titles, 1)
    assert [row[0][0] for row in hits] == exact_top(records, titles, 1)[:, 0].tolist()
    writer = Vectors.load(path)
    assert writer.remove([FIRST_RID]) == 1 and writer.count == COUNT - 1
    assert writer.search(titles[:1], 1)[0][0][0] != FIRST_RID


def test_flat_index_stays_exact(corpus: tuple[np.ndarray, np.ndarray]) -> None:
    records, titles = corpus
    vectors = Vectors(new_flat_index(records.shape[1]))
    vectors.add(records, rids())
    assert vectors.kind == "flat"
    hits = vectors.search(titles, 10)
    assert [[rid for rid, _ in row] for row in hits] == exact_top(records, titles, 10).tolist()
