"""Lexical search in a real SQLite/FTS5 store: narrowing by rare words, ranking, fallbacks."""

from __future__ import annotations

import json
import sqlite3
from itertools import islice

import pytest

from citecheck import Verifier
from citecheck.config import SourceSpec
from citecheck.index import Index
from citecheck.index import store as store_module
from citecheck.index.build import build_index
from citecheck.index.encoders import STATIC_ENCODER, get_encoder
from citecheck.records import Record
from tests.test_index import hallmark_lines, write_source

TOPICS = ["molecules", "traffic", "proteins", "citations", "circuits", "weather", "music",
          "recipes", "galaxies", "poetry", "fraud", "crops"]


@pytest.fixture(scope="module")
def hallmark_index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    folder = tmp_path_factory.mktemp("hallmark")
    build_index(folder / "idx", [write_source(folder / "a.jsonl", hallmark_lines(0, 300))],
                get_encoder(STATIC_ENCODER))
    return Index.open(folder / "idx")


@pytest.fixture(scope="module")
def crowded_index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    """Records sharing most title words, as in a large catalogue.

    "sparse", "spectral", "sketching" and "kernels" are in the same 8 records, 4 of
    them "linear" ones; "linear" is also in 20 other records.
    """
    folder = tmp_path_factory.mktemp("crowded")
    records = []
    for number, variant in enumerate(["linear", "cubic"] * 4):
        records.append({"id": f"sketch-{variant}-{number}", "year": 2015 + number,
                        "title": f"Sparse spectral sketching: {variant} kernels",
                        "authors": ["Ada Lovelace"], "venue": "NeurIPS"})
    for number, topic in enumerate(TOPICS * 2):
        if number < 20:
            records.append({"id": f"linear-{number}", "title": f"Linear models of {topic}",
                            "authors": ["Bo Xu"], "year": 2000 + number, "venue": "JMLR"})
    for topic in TOPICS:
        records.append({"id": f"graph-{topic}", "title": f"Graph embeddings of {topic}",
                        "authors": ["Bo Xu"], "year": 2020, "venue": "ICML"})
    source = folder / "crowded.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    build_index(folder / "idx", [SourceSpec(source, "jsonl")], get_encoder(STATIC_ENCODER))
    return Index.open(folder / "idx")


def records_of(index: Index, count: int) -> list[Record]:
    return [record for _, record in islice(index.store.iter_records(), count)]


def test_each_record_is_the_first_hit_for_its_own_title_and_names(hallmark_index: Index) -> None:
    records = records_of(hallmark_index, 60)
    store = hallmark_index.store
    firsts = [store.search(f"{r.title}. {', '.join(r.family_names)}", 5)[0][0] for r in records]
    found = [store.get([rid])[rid].id for rid in firsts]
    assert found == [r.id for r in records]


def test_title_with_its_rarest_words_wrong_is_still_found(hallmark_index: Index) -> None:
    store = hallmark_index.store
    misses = 0
    records = [r for r in records_of(hallmark_index, 80) if len(r.title.split()) >= 6][:40]
    for record in records:
        rarest = [word for word, _ in store._by_rarity(store_module.fts_query(record.title))]
        # Swap the rarest title word for a word the record lacks but the index has
        # (so no record has the three rarest together): two of the rarest still match.
        garbled = record.title.replace(rarest[0], "transformer", 1) if rarest else record.title
        hits = [rid for rid, _ in store.search(garbled, 10)]
        misses += record.id not in {r.id for r in store.get(hits).values()}
    assert misses <= 1


def test_too_many_matches_are_narrowed_by_more_rare_words(
        crowded_index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "PYTHON_RANKED", 4)
    store = crowded_index.store
    # The four rarest words match 8 records, more than are ranked in Python; adding
    # "linear" narrows them to the 4 that the query means.
    hits = store.search("Sparse spectral sketching: linear kernels", 4)
    titles = [store.get([rid])[rid].title for rid, _ in hits]
    assert titles == ["Sparse spectral sketching: linear kernels"] * 4


def test_similarity_ranks_the_closest_title_first_among_few_matches(crowded_index: Index) -> None:
    store = crowded_index.store
    hits = store.search("Graph embeddings of music. Xu", 3)
    assert store.get([hits[0][0]])[hits[0][0]].id == "graph-music"
    assert [score for _, score in hits] == sorted((score for _, score in hits), reverse=True)


def test_a_lone_very_common_word_is_not_ranked(
        crowded_index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "COMMON_WORD_DOCS", 10)
    # "linear" is in 24 records: bm25 would score them all and single none out.
    assert crowded_index.store.search("linear", 5) == []
    assert len(crowded_index.store.search("sketching", 10)) == 8


def test_records_sharing_one_rare_word_are_no_candidates(crowded_index: Index) -> None:
    store = crowded_index.store
    # "sketching" and "galaxies" are each in records, but no record has two of
    # "sketching", "galaxies", "embroidery" (unknown) and "quilting" (unknown).
    assert store.search("Sketching galaxies by embroidery and quilting", 10) == []
    # Two of them in one record ("graph", "galaxies") still find it.
    hits = store.search("Graph galaxies by embroidery", 10)
    assert [store.get([rid])[rid].id for rid, _ in hits][:1] == ["graph-galaxies"]


def test_a_title_is_looked_up_whole_up_to_typography(hallmark_index: Index) -> None:
    store = hallmark_index.store
    records = [r for r in records_of(hallmark_index, 80) if len(r.title.split()) >= 4][:40]
    for record in records:
        # Case, hyphens and punctuation differ between renderings of one title.
        variant = record.title.upper().replace("-", " ").replace(":", " -")
        assert record.id in {r.id for r in store.get(store.rids_by_title(variant)).values()}
    changed = records[0].title.replace(records[0].title.split()[-1], "Revisited", 1)
    assert records[0].id not in {r.id for r in store.get(store.rids_by_title(changed)).values()}


def test_a_title_is_looked_up_by_its_main_title_and_not_when_short(crowded_index: Index,
                                                                   hallmark_index: Index) -> None:
    store = hallmark_index.store
    records = [r for r in records_of(hallmark_index, 300)
               if ":" in r.title and len(r.title.split(":")[0]) >= 30][:10]
    assert records
    for record in records:
        found = store.get(store.rids_by_title(record.title.split(":")[0]))
        assert record.id in {r.id for r in found.values()}
    # Short titles name many works: full-text search, which weighs the names too, finds them.
    assert crowded_index.store.rids_by_title("Sparse spectral sketching") == []
    assert crowded_index.store.rids_by_title("Graph embeddings of music") == []


def test_an_index_without_title_keys_is_searched_without_them(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("no-titles")
    build_index(folder / "idx", [write_source(folder / "a.jsonl", hallmark_lines(0, 20))],
                get_encoder(STATIC_ENCODER))
    path = folder / "idx" / store_module.STORE_FILE
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE titles")
    store = store_module.Store(path)
    try:
        record = next(record for _, record in store.iter_records())
        assert store.rids_by_title(record.title) == []
        assert store.search(f"{record.title}. {', '.join(record.family_names)}", 1)
    finally:
        store.close()


def test_a_real_title_cited_with_other_authors_is_found_by_its_title(
        hallmark_index: Index) -> None:
    # The rarest words of the query are the other paper's family names: full-text search
    # narrows to that paper, and only the whole-title look-up finds the cited one.
    verifier = Verifier(hallmark_index)
    result = verifier.verify_reference(
        "Seungeon Lee, Xiting Wang, Sungwon Han, Xiaoyuan Yi, Xing Xie, Meeyoung Cha. "
        "Discovery of Single Independent Latent Variable. In NeurIPS, 2022.")
    assert result.verdict == "mismatch"
    assert result.record is not None and result.record.id == "00012022discovery"
    assert [m.field for m in result.mismatches] == ["authors"]
