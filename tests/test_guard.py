"""The RAG guard: unverified citations are annotated, removed or replaced, never silently."""

from __future__ import annotations

from typing import Any

import pytest

from citecheck.formatting import render_like
from citecheck.guard import ANNOTATION, guard
from citecheck.records import Record, split_bibtex_authors

FABRICATED = ("Zanzibar Quokka and Lemony Snicket. Neural quokka herding with recursive "
              "marshmallow transformers. In NeurIPS, 2021.")


def reference(entry: dict[str, Any], *, year: int | None = None,
              authors: list[str] | None = None) -> str:
    fields = entry["fields"]
    names = ", ".join(authors or split_bibtex_authors(fields["author"]))
    return f"{names}. {fields['title']}. In {fields.get('booktitle')}, {year or fields['year']}."


def answer(*references: str) -> str:
    listed = "\n".join(f"{number}. {ref}" for number, ref in enumerate(references, 1))
    return f"Both results hold [1], and quokkas herd well [2].\n\nReferences\n\n{listed}\n"


@pytest.fixture()
def real(records: list[dict[str, Any]]) -> str:
    return reference(records[0])


@pytest.fixture()
def wrong_year(records: list[dict[str, Any]]) -> str:
    return reference(records[1], year=int(records[1]["fields"]["year"]) - 3)


def test_verified_answer_is_left_unchanged(verifier: Any, real: str,
                                           records: list[dict[str, Any]]) -> None:
    text = answer(real, reference(records[2]))
    result = guard(verifier, text, mode="replace")
    assert result.text == text and result.changes == []


def test_annotate_marks_the_unverified_reference_only(verifier: Any, real: str) -> None:
    result = guard(verifier, answer(real, FABRICATED))
    assert f"{FABRICATED} {ANNOTATION}" in result.text
    assert f"{real} {ANNOTATION}" not in result.text
    assert [(c.verdict, c.action) for c in result.changes] == [("not_found", "annotated")]


def test_remove_drops_the_reference_line_and_its_in_text_pointer(verifier: Any, real: str) -> None:
    result = guard(verifier, answer(real, FABRICATED), mode="remove")
    assert "Quokka" not in result.text and "[2]" not in result.text
    assert result.text.endswith(f"1. {real}\n")
    assert "quokkas herd well." in result.text


def test_replace_swaps_in_the_real_record_when_its_score_clears_the_threshold(
        verifier: Any, real: str, wrong_year: str, records: list[dict[str, Any]]) -> None:
    result = guard(verifier, answer(real, wrong_year), mode="replace")
    (change,) = result.changes
    assert change.action == "replaced" and change.verdict == "mismatch"
    assert change.replacement is not None
    assert change.replacement.id == records[1]["bibtex_key"]
    assert render_like(change.replacement, change.citation) in result.text
    assert wrong_year not in result.text


def test_replace_annotates_when_no_suggestion_clears_the_threshold(verifier: Any,
                                                                   real: str) -> None:
    result = guard(verifier, answer(real, FABRICATED), mode="replace")
    assert [c.action for c in result.changes] == ["annotated"]
    assert f"{FABRICATED} {ANNOTATION}" in result.text


def test_replace_with_an_unreachable_threshold_never_swaps(verifier: Any, real: str,
                                                           wrong_year: str) -> None:
    result = guard(verifier, answer(real, wrong_year), mode="replace", min_score=1.01)
    assert [c.action for c in result.changes] == ["annotated"]
    assert f"{wrong_year} {ANNOTATION}" in result.text


def test_retrieved_source_counts_as_verified(verifier: Any, real: str) -> None:
    source = Record(id="doc-1", title="Neural Quokka Herding with Recursive Marshmallow "
                    "Transformers", authors=["Zanzibar Quokka", "Lemony Snicket"], year=2021)
    text = answer(real, FABRICATED)
    result = guard(verifier, text, sources=[source])
    assert result.text == text and result.changes == []
    assert result.report.summary["verified"] == result.report.summary["total"]
    fabricated = next(r for r in result.report.results if r.citation.text == FABRICATED)
    assert fabricated.record is not None and fabricated.record.id == "doc-1"


def test_unrelated_source_does_not_verify_a_fabricated_citation(verifier: Any,
                                                                real: str) -> None:
    source = Record(id="doc-2", title="Neural herding of sheep with recurrent networks")
    result = guard(verifier, answer(real, FABRICATED), sources=[source])
    verdicts = [r.verdict for r in result.report.results]
    assert verdicts.count("not_found") == 2  # the entry and its in-text pointer


def test_unknown_mode_is_rejected(verifier: Any) -> None:
    with pytest.raises(ValueError, match="mode"):
        guard(verifier, "text", mode="rewrite")  # type: ignore[arg-type]

