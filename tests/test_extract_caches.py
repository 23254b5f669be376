"""Extraction caches results by text: what a caller does with a result must not change the
next caller's (the scanner of author names and the CRF labelling are shared)."""

from citecheck.extract.crf import labelled_runs
from citecheck.extract.names import author_readings, scan_authors
from citecheck.extract.references import parse_reference

REFERENCE = ("Chuan Guo, J. Zico Kolter, and Eric Wong. Certified Robustness via Randomized "
             "Smoothing. In ICML, 2021.")


def test_author_lists_are_the_callers_own() -> None:
    first = scan_authors(REFERENCE)
    expected = list(first.names)
    first.names.append("Someone Else")
    first.end = 0
    again = scan_authors(REFERENCE)
    assert again.names == expected and again.end > 0
    for reading in author_readings(REFERENCE):
        reading.names.clear()
    assert all(reading.names for reading in author_readings(REFERENCE))
    assert scan_authors(REFERENCE).names == expected


def test_labelled_runs_are_the_callers_own() -> None:
    runs = labelled_runs(REFERENCE)
    expected = list(runs)
    runs.clear()
    assert labelled_runs(REFERENCE) == expected


def test_parse_is_the_same_when_repeated() -> None:
    first = parse_reference(REFERENCE)
    first.authors.append("Someone Else")
    first.readings.clear()
    again = parse_reference(REFERENCE)
    assert "Someone Else" not in again.authors
    assert again.full_dict() == parse_reference(REFERENCE).full_dict()


def test_shared_tokens_cannot_be_changed() -> None:
    import dataclasses

    import pytest

    from citecheck.extract.names import _token

    token = _token("Smith,")
    assert (token.core, token.punct, token.is_word, token.separates) == ("Smith", ",", True, True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        token.core = "Jones"  # type: ignore[misc]
    assert _token("W.E.").core == "W.E." and _token("W.E.").is_initials
