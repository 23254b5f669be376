"""Extraction never raises and stays fast on random, adversarial and oddly encoded text."""

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citecheck.extract import extract
from citecheck.extract.references import parse_reference

# Generous bounds: the measured times are 10-100x lower; these catch exponential backtracking.
SECONDS_PER_MEGABYTE = 5.0
SECONDS_PER_SAMPLE = 1.0

PIECES = st.sampled_from([
    "[", "]", "(", ")", "{", "}", ".", ". ", ",", "1", "2019", "10.", "10.1000/", "@article{",
    "\\cite{", "\\bibitem{", "et al.", " and ", "A. ", "Smith, J., ", "\"", "“", "*", "**",
    "_", "\n", "\n\n", "- ", "1. ", "[1] ", "doi:", "arXiv:", "https://", "<a href=\"", "\x00",
    "\x0b", "\ufeff", "\udcff", "é", "Ł", "  ", "\t", "ISBN ", "PMID ",
])


def assert_valid(text: str) -> None:
    for citation in extract(text):
        assert 0 <= citation.span[0] <= citation.span[1] <= len(text)
        assert text[citation.span[0]:citation.span[1]] == citation.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_random_unicode_text_never_raises(text: str) -> None:
    began = time.perf_counter()
    assert_valid(text)
    assert time.perf_counter() - began < SECONDS_PER_SAMPLE


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=400).map("".join))
def test_adversarial_citation_fragments_never_raise(text: str) -> None:
    began = time.perf_counter()
    assert_valid(text)
    parse_reference(text)
    assert time.perf_counter() - began < SECONDS_PER_SAMPLE


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(["[", "(", ".", "1", "{", "a ", "A. ", "Smith, ", "\"", "*", "10.1/"]))
def test_one_megabyte_line_of_one_piece_grows_linearly(piece: str) -> None:
    times = []
    for size in (100_000, 1_000_000):
        text = piece * (size // len(piece))
        began = time.perf_counter()
        extract(text)
        times.append(time.perf_counter() - began)
    # Tenfold input, at most 30 times the time (quadratic work would be ~100 times).
    assert times[1] <= 30 * max(times[0], 0.02), times


def test_unterminated_bibtex_entry_is_reported_not_lost() -> None:
    text = "@article{key, title={Never closed " + "x" * 50_000
    began = time.perf_counter()
    [entry] = extract(text)
    assert entry.kind == "bibtex" and entry.problem is not None
    assert time.perf_counter() - began < SECONDS_PER_MEGABYTE


def test_deeply_nested_braces_finish() -> None:
    text = "@article{k, title=" + "{" * 20_000 + "x" + "}" * 20_000 + "}"
    began = time.perf_counter()
    extract(text)
    assert time.perf_counter() - began < SECONDS_PER_MEGABYTE


def test_control_characters_keep_spans_on_the_original_text() -> None:
    text = "Intro\x0b\x07 text.\n\nLin, T.-Y., & Zitnick, C. L. (2014). Microsoft COCO:\x00 " \
           "Common objects in context. In ECCV (pp. 740–755).\n"
    [citation] = extract(text)
    assert citation.kind == "reference"
    assert "\x00" in citation.text


def test_bytes_with_invalid_utf8_are_decoded_not_raised() -> None:
    citations = extract(b"See doi:10.1038/nature14539 \xff\xfe.")  # type: ignore[arg-type]
    assert [c.kind for c in citations] == ["doi"]
