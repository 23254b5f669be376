"""Verdicts end to end on a real index: verified, mismatch, not_found, unverifiable."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from citecheck import Verifier
from citecheck.config import SourceSpec
from citecheck.index.build import build_index
from citecheck.index.encoders import get_encoder

pytestmark = pytest.mark.slow


def reference(entry: dict, **changes: str) -> str:
    fields = {**entry["fields"], **changes}
    venue = fields.get("booktitle") or fields.get("journal") or "arXiv"
    authors = fields["author"].replace(" and ", ", ")
    return f"{authors}. {fields['title']}. In {venue}, {fields['year']}."


def bibtex(entry: dict, **changes: str) -> str:
    fields = {**entry["fields"], **changes}
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@inproceedings{{{entry['bibtex_key']},\n{body}\n}}"


@pytest.fixture(scope="module")
def entry(records: list[dict]) -> dict:
    return next(r for r in records if r["fields"].get("doi") and len(
        r["fields"]["author"].split(" and ")) >= 3)


def test_real_reference_is_verified_with_its_record(verifier: Verifier, entry: dict) -> None:
    result = verifier.verify_reference(reference(entry))
    assert result.verdict == "verified"
    assert result.record is not None and result.record.title == entry["fields"]["title"]
    assert result.confidence >= 0.8


def test_real_bibtex_entry_is_verified(verifier: Verifier, entry: dict) -> None:
    assert verifier.verify_reference(bibtex(entry)).verdict == "verified"


def test_wrong_year_is_a_mismatch_naming_the_right_year(verifier: Verifier, entry: dict) -> None:
    wrong = str(int(entry["fields"]["year"]) - 3)
    result = verifier.verify_reference(bibtex(entry, year=wrong))
    assert result.verdict == "mismatch"
    assert [(m.field, m.cited, m.expected) for m in result.mismatches] == [
        ("year", wrong, entry["fields"]["year"])]


def test_swapped_authors_is_a_mismatch_on_authors(verifier: Verifier, entry: dict,
                                                  records: list[dict]) -> None:
    other = next(r for r in records if r["fields"]["author"] != entry["fields"]["author"])
    result = verifier.verify_reference(bibtex(entry, author=other["fields"]["author"]))
    assert result.verdict == "mismatch"
    assert {m.field for m in result.mismatches} == {"authors"}


def test_invented_paper_is_not_found_with_suggestions(verifier: Verifier) -> None:
    result = verifier.verify_reference(
        "Maria Lindqvist and Tomasz Wren. Holographic Gradient Folding for Sparse Mixture "
        "Routers. In ICML, 2022.")
    assert result.verdict == "not_found"
    assert len(result.suggestions) == 3
    assert all(0 <= s.score <= 1 for s in result.suggestions)


def test_absence_where_the_index_lists_no_venue_year_completely_is_unverifiable(
        records_file: Path, tmp_path: Path) -> None:
    from citecheck.config import SourceSpec
    from citecheck.index.build import build_index
    from citecheck.index.encoders import get_encoder

    # The same real records, but from a source that claims no complete coverage.
    partial_dir = tmp_path / "partial"
    build_index(partial_dir, [SourceSpec(records_file, "hallmark")], get_encoder("static"))
    invented = ("Maria Lindqvist and Tomasz Wren. Holographic Gradient Folding for Sparse "
                "Mixture Routers. In ICML, 2022.")
    partial = Verifier.open(partial_dir)
    result = partial.verify_reference(invented)
    assert result.verdict == "unverifiable"
    assert "no complete list of ICML" in (result.reason or "")
    closed = Verifier.open(partial_dir, closed_world=True).verify_reference(invented)
    assert closed.verdict == "not_found" and closed.confidence > 0.9
    partial.close()


def test_future_year_is_flagged_even_for_a_real_title(verifier: Verifier, entry: dict) -> None:
    result = verifier.verify_reference(bibtex(entry, year="2033"))
    assert result.flagged
    assert any(m.field == "year" for m in result.mismatches)


def test_placeholder_authors_are_flagged(verifier: Verifier, entry: dict) -> None:
    result = verifier.verify_reference(bibtex(entry, author="John Doe and Jane Doe"))
    assert result.flagged and any(m.field == "authors" for m in result.mismatches)


def test_doi_of_another_record_is_a_doi_mismatch(verifier: Verifier, entry: dict,
                                                 records: list[dict]) -> None:
    other = next(r for r in records if r["fields"].get("doi")
                 and r["fields"]["doi"] != entry["fields"]["doi"])
    result = verifier.verify_reference(bibtex(entry, doi=other["fields"]["doi"]))
    assert result.verdict == "mismatch"
    assert {m.field for m in result.mismatches} == {"doi"}


def test_author_year_cite_without_entry_is_unverifiable(verifier: Verifier) -> None:
    report = verifier.verify_text("As argued by Smith et al. (2020), attention helps.")
    assert [r.verdict for r in report.results] == ["unverifiable"]
    assert report.results[0].reason


def test_work_outside_index_coverage_is_unverifiable_not_not_found(verifier: Verifier) -> None:
    result = verifier.verify_reference(
        "Ashish Vaswani, Noam Shazeer, Niki Parmar, et al. Attention is all you need. "
        "In NeurIPS, 2017.")
    assert result.verdict == "unverifiable"
    assert "2017" in (result.reason or "")


def test_same_work_cited_twice_gets_the_same_verdict(verifier: Verifier, entry: dict) -> None:
    text = f"[1] {reference(entry)}\n\n[2] {reference(entry)}\n"
    report = verifier.verify_text(text)
    assert [r.verdict for r in report.results] == ["verified", "verified"]
    assert report.results[0].citation.span != report.results[1].citation.span


def test_numeric_cite_follows_its_reference_entry(verifier: Verifier, entry: dict) -> None:
    text = f"Prior work [1] showed this.\n\nReferences\n\n[1] {reference(entry)}\n"
    report = verifier.verify_text(text)
    kinds = {r.citation.kind: r.verdict for r in report.results}
    assert kinds == {"inline": "verified", "reference": "verified"}


def test_empty_index_never_says_not_found(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    build_index(tmp_path / "idx", [SourceSpec(empty, "jsonl")], get_encoder())
    verifier = Verifier.open(tmp_path / "idx")
    result = verifier.verify_reference(
        "Maria Lindqvist. Holographic Gradient Folding for Sparse Mixture Routers. In ICML, 2022.")
    assert result.verdict == "unverifiable"


def test_confidence_is_a_probability(verifier: Verifier, entry: dict) -> None:
    for text in (reference(entry), bibtex(entry, year="1999"), "J. Smith. Nothing real. 2021."):
        assert 0.0 <= verifier.verify_reference(text).confidence <= 1.0


def test_today_is_injectable_for_the_future_year_rule(index_dir: Path, entry: dict) -> None:
    past = Verifier.open(index_dir, today=date(2020, 1, 1))
    result = past.verify_reference(bibtex(entry))
    assert any(m.expected.startswith("a year not after 2020") for m in result.mismatches)
    json.dumps(result.to_dict())  # results are JSON-serialisable


def test_a_record_whose_whole_title_is_cited_outranks_one_the_misread_title_resembles(
        tmp_path: Path) -> None:
    # Two real records (SIGGRAPH 2016 and ACL Anthology). The SIGGRAPH record lists
    # affiliations as authors, so its rendering puts them before the title; the title read
    # from it ("Massachusetts Institute of Technology (MIT), ... Reconciling ...") is closer
    # to the ACL title than to its own, which it carries whole.
    records = [
        {"id": "siggraph2016:shin", "title": "Reconciling Elastic and Equilibrium Methods for "
         "Static Analysis", "authors": ["Hijung Shin", "Massachusetts Institute of Technology "
                                        "(MIT)", "Massachusetts Institute of Technology",
                                        "University of Texas at Austin"],
         "year": 2016, "venue": "SIGGRAPH 2016"},
        {"id": "acl:1960.earlymt-nsmt.13", "title": "MT at the Massachusetts Institute of "
         "Technology", "authors": ["Victor H. Yngve"], "year": 1960,
         "venue": "Proceedings of the National Symposium on Machine Translation"},
    ]
    source = tmp_path / "records.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    build_index(tmp_path / "idx", [SourceSpec(source, "jsonl")], get_encoder("static"))
    with Verifier.open(tmp_path / "idx") as verifier:
        result = verifier.verify_reference(
            "Hijung Shin, Massachusetts Institute of Technology (MIT), Massachusetts Institute "
            "of Technology, and University of Texas at Austin. Reconciling Elastic and "
            "Equilibrium Methods for Static Analysis. In SIGGRAPH 2016.")
    assert result.record is not None and result.record.id == "siggraph2016:shin"
