"""guard(sources=...): a citation of a retrieved document is checked field by field, not by title alone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from citecheck import Verifier
from citecheck.config import SourceSpec
from citecheck.guard import ANNOTATION, guard
from citecheck.index.build import build_index
from citecheck.index.encoders import STATIC_ENCODER, get_encoder
from citecheck.records import Record
from tests.conftest import VALID_ENTRIES

SOURCE = Record(id="doc-icml", title="Holographic Gradient Folding for Sparse Mixture Routers",
                authors=["Maria Lindqvist", "Tomasz Wren"], year=2022, venue="ICML")
TRUE = ("Maria Lindqvist and Tomasz Wren. Holographic Gradient Folding for Sparse Mixture "
        "Routers. In ICML, 2022.")
DOE = ("John Doe and Jane Doe. Holographic Gradient Folding for Sparse Mixture Routers. "
       "In CVPR, 2031.")
WRONG_YEAR = ("Maria Lindqvist and Tomasz Wren. Holographic Gradient Folding for Sparse Mixture "
              "Routers. In ICML, 2019.")


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Verifier]:
    if not VALID_ENTRIES.is_file():
        pytest.skip(f"shared records not found at {VALID_ENTRIES}")
    root = tmp_path_factory.mktemp("guard-sources")
    with VALID_ENTRIES.open(encoding="utf-8") as handle:
        (root / "a.jsonl").write_text("".join(next(handle) for _ in range(60)), encoding="utf-8")
    build_index(root / "idx", [SourceSpec(root / "a.jsonl", "hallmark")],
                get_encoder(STATIC_ENCODER))
    opened = Verifier.open(root / "idx", today=date(2026, 12, 1))
    yield opened
    opened.close()


def only_result(verifier: Verifier, text: str) -> tuple[str, set[str], str]:
    guarded = guard(verifier, f"As shown before:\n\n1. {text}\n", sources=[SOURCE])
    [result] = guarded.report.results
    return result.verdict, {m.field for m in result.mismatches}, guarded.text


def test_citation_agreeing_with_the_retrieved_source_is_verified(verifier: Verifier) -> None:
    verdict, mismatched, text = only_result(verifier, TRUE)
    assert (verdict, mismatched) == ("verified", set())
    assert ANNOTATION not in text


def test_placeholder_authors_and_a_future_year_do_not_pass_on_a_title_match(
        verifier: Verifier) -> None:
    verdict, mismatched, text = only_result(verifier, DOE)
    assert verdict == "mismatch"
    assert {"authors", "year"} <= mismatched
    assert f"{DOE} {ANNOTATION}" in text


def test_wrong_year_against_the_retrieved_source_is_a_mismatch_on_year(
        verifier: Verifier) -> None:
    verdict, mismatched, _ = only_result(verifier, WRONG_YEAR)
    assert (verdict, mismatched) == ("mismatch", {"year"})
