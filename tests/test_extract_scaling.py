"""Extraction grows linearly on every adversarial input family (size ladder of 1 k to 1 M chars)."""

from __future__ import annotations

import itertools
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citecheck.extract import extract
from citecheck.extract.pipeline import MAX_CITATIONS

LADDER = (1_000, 10_000, 100_000, 1_000_000)
# Tenfold input may cost at most this many times the time: linear work gives ~10, quadratic
# ~100. The slack covers timer noise on a shared 2-core machine.
MAX_GROWTH = 30.0
# Times below this are noise; a ratio is taken against at least this much.
TIME_FLOOR = 0.02

FAMILY = st.sampled_from(["Smith", "Jones", "Lee", "García", "Boix-Adserà", "O'Neil", "Zhang"])


def ladder_times(unit: str) -> list[float]:
    """Seconds to extract ``unit`` repeated up to each size of the ladder (best of two)."""
    times = []
    for size in LADDER:
        text = unit * max(1, size // len(unit))
        best = float("inf")
        for _ in range(2 if size < LADDER[-1] else 1):
            began = time.perf_counter()
            extract(text)
            best = min(best, time.perf_counter() - began)
        times.append(best)
    return times


def assert_linear(unit: str) -> None:
    times = ladder_times(unit)
    for smaller, larger in itertools.pairwise(times):
        growth = larger / max(smaller, TIME_FLOOR)
        assert growth <= MAX_GROWTH, f"{unit[:60]!r}: {times}"


LADDER_SETTINGS = settings(max_examples=1, deadline=None,
                           suppress_health_check=[HealthCheck.too_slow])


@LADDER_SETTINGS
@given(FAMILY, FAMILY, FAMILY)
def test_narrative_cites_without_year_grow_linearly(a: str, b: str, c: str) -> None:
    assert_linear(f"{a} and {b} showed this. {c} et al. argued that. ")


@LADDER_SETTINGS
@given(FAMILY, FAMILY, st.integers(1990, 2024))
def test_author_year_cites_grow_linearly(a: str, b: str, year: int) -> None:
    assert_linear(f"as shown ({a} and {b}, {year}; {a} et al., {year}) and {b} ({year}) says. ")


@LADDER_SETTINGS
@given(st.sampled_from(["Ab-", "A-B-", "Ab-Cd ", "Ross-on-Wye: ", "In Ab-Cd and Ef-Gh (2019) "]))
def test_hyphen_joined_capitals_grow_linearly(piece: str) -> None:
    line = "A. Smith. A title of a work. " + piece * (2_000 // len(piece))
    assert_linear(line + "\n")


@LADDER_SETTINGS
@given(st.integers(1, 99), st.integers(1, 99))
def test_numeric_cites_grow_linearly(first: int, second: int) -> None:
    assert_linear(f"This holds [{first}] and that [{first}, {second}] or [{first}–{second}]. ")


@LADDER_SETTINGS
@given(FAMILY, FAMILY, st.integers(1990, 2024))
def test_reference_list_entries_grow_linearly(a: str, b: str, year: int) -> None:
    assert_linear(f"- {a}, J. and {b}, K. ({year}). *A study of linear time parsing*. ICML.\n")


@LADDER_SETTINGS
@given(FAMILY, st.integers(1990, 2024))
def test_bibtex_entries_grow_linearly(name: str, year: int) -> None:
    assert_linear(f"@article{{k{year},\n  title = {{A title}},\n  author = {{{name}, A.}},\n"
                  f"  year = {{{year}}}\n")  # unclosed: each runs to the next entry


@LADDER_SETTINGS
@given(FAMILY, FAMILY)
def test_html_list_items_grow_linearly(a: str, b: str) -> None:
    assert_linear(f"<li>{a} and {b}. <i>A study of linear time</i>. In ICML, 2021.</li>")


def test_citations_past_the_cap_are_listed_as_not_checked() -> None:
    text = "Shown in [1] and [2]. " * 30 + "\n\nReferences\n\n" + "".join(
        f"[{n}] A. Smith and B. Jones. A study of case {n} in linear parsing. In ICML, 2021.\n"
        for n in range(1, 3))
    citations = extract(text, max_citations=10)
    assert len(citations) == 62  # 60 in-text cites and 2 entries: none dropped
    assert all(c.problem is None for c in citations[:10])
    assert all("per-input cap" in (c.problem or "") for c in citations[10:])


@pytest.mark.parametrize("cap", [1, MAX_CITATIONS])
def test_the_cap_is_configurable(cap: int) -> None:
    text = "Shown in [1]. " * 5 + "\n\n[1] A. Smith. A study of things that are true. In ICML, 2021.\n"
    checked = [c for c in extract(text, max_citations=cap) if c.problem is None]
    assert len(checked) == min(cap, 6)
