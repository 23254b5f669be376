"""Shortcuts that spare texts a regex scan must never change what the scan finds."""

import re

import pytest

from citecheck.extract.fields import YEAR
from citecheck.extract.identifiers import (
    ARXIV_PATTERN,
    BARE_OLD_ARXIV,
    DOI_PATTERN,
    ISBN_PATTERN,
    PMID_PATTERN,
    URL_PATTERN,
    may_hold,
)
from citecheck.extract.inline import find_inline

TEXTS = [
    "Smith, J. (2020). A title. arXİv:2101.00001 and ARXIV:2102.00002.",
    "See doi:10.1234/abc, DOI 10.5555/x.y and https://doi.org/10.1000/xyz.",
    "hep-th/9901001, PMCID: PMC1234567, pmid 12345678, ISBN 978-3-16-148410-0.",
    "HTTPS://openreview.net/forum?id=1 and httpſ://arxiv.org/abs/2101.00001",
    "No identifier at all, 2020.",
]


@pytest.mark.parametrize("pattern", [ARXIV_PATTERN, BARE_OLD_ARXIV, DOI_PATTERN, ISBN_PATTERN,
                                     PMID_PATTERN, URL_PATTERN])
def test_a_text_without_the_hint_has_no_match(pattern: re.Pattern[str]) -> None:
    for text in TEXTS:
        assert may_hold(pattern, text) or pattern.search(text) is None


def test_year_checks_the_character_before_it() -> None:
    plain = re.compile(r"(?<![\d/.\-])((?:1[6-9]|20)\d\d)(?![\d/])[a-z]?")
    for text in ["2020", "x2020a", "1/2020", "v.2017", "-1999", "12020", "2020/1", "(1850)",
                 "3.2017 and 2018", "Journal 3, 2021."]:
        assert [m.span(1) for m in YEAR.finditer(text)] == [m.span(1) for m in plain.finditer(text)]
        assert bool(YEAR.fullmatch(text)) == bool(plain.fullmatch(text))


def test_narrative_cites_are_found_past_the_hints() -> None:
    found = sorted(c.text for c in find_inline("Abel et al. showed it; Dao and Ré propose it; "
                                         "as Abel (2020) showed; it works¹,²."))
    assert found == ["Abel (2020)", "Abel et al.", "Dao and Ré", "¹,²"]
