"""Identifier spans: DOIs, arXiv ids, ISBNs, PMIDs/PMCIDs and URLs of scholarly hosts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from citecheck.extract.types import Citation, CitedFields
from citecheck.records import normalize_arxiv, normalize_doi

# Bounded repetition everywhere: no nested quantifiers, so no catastrophic backtracking.
DOI_PATTERN = re.compile(
    r"(?:https?://(?:dx\.)?doi\.org/|\bdoi:\s?|\bDOI:?\s?)?\b(10\.\d{4,9}/[^\s\"<>{}|\\^`\]\[]{1,200})",
    re.IGNORECASE,
)
ARXIV_PATTERN = re.compile(
    r"(?:https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/|\barXiv:\s?)"
    r"(\d{4}\.\d{4,5}(?:v\d{1,3})?|[a-z\-]{2,20}(?:\.[A-Z]{2})?/\d{7}(?:v\d{1,3})?)(?:\.pdf)?",
    re.IGNORECASE,
)
# Old-style arXiv ids are recognisable without a prefix: the archive names are fixed.
BARE_OLD_ARXIV = re.compile(
    r"(?<![\w/.])((?:hep-th|hep-ph|hep-ex|hep-lat|gr-qc|astro-ph|cond-mat|quant-ph|nucl-th|"
    r"nucl-ex|math-ph|physics|math|cs|nlin|q-bio)(?:\.[A-Z]{2})?/\d{7}(?:v\d{1,3})?)\b"
)
URL_PATTERN = re.compile(r"https?://[^\s<>\"'\])}]{1,500}", re.IGNORECASE)
ISBN_PATTERN = re.compile(r"\bISBN(?:-1[03])?:?\s?((?:97[89][\- ]?)?(?:\d[\- ]?){9}[\dXx])\b")
PMID_PATTERN = re.compile(r"\b(PMID|PMCID):?\s?((?:PMC)?\d{4,9})\b", re.IGNORECASE)
SCHOLARLY_HOSTS = (
    "aclanthology.org", "openreview.net", "proceedings.neurips.cc", "papers.nips.cc",
    "dl.acm.org", "ieeexplore.ieee.org", "semanticscholar.org", "proceedings.mlr.press",
    "jmlr.org", "link.springer.com", "sciencedirect.com", "nature.com", "ojs.aaai.org",
    "openaccess.thecvf.com", "dblp.org", "pubmed.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov",
    "scholar.google", "researchgate.net", "ijcai.org", "biorxiv.org", "medrxiv.org",
    "journals.plos.org", "science.org", "pnas.org", "wiley.com", "tandfonline.com",
)
TRAILING = ".,;:)]}>\"'*_"
# Text that every match of a pattern holds, found far faster than the pattern is tried at
# each character: most texts hold no identifier, and ``may_hold`` spares them the scan.
# Case is ignored where the pattern ignores it, the same way.
_HINTS = {
    DOI_PATTERN: re.compile(r"10\."),
    ARXIV_PATTERN: re.compile("arxiv", re.IGNORECASE),
    BARE_OLD_ARXIV: re.compile(r"/\d{7}"),
    URL_PATTERN: re.compile("://"),
    ISBN_PATTERN: re.compile("ISBN"),
    PMID_PATTERN: re.compile("PMC?ID", re.IGNORECASE),
}


def may_hold(pattern: re.Pattern[str], text: str) -> bool:
    """False when ``text`` cannot hold a match of ``pattern``, one of the patterns above."""
    return _HINTS[pattern].search(text) is not None


def find_all(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, without the scan when ``text`` cannot hold a match."""
    return pattern.finditer(text) if may_hold(pattern, text) else iter(())


def find_first(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``pattern.search(text)``, without the scan when ``text`` cannot hold a match."""
    return pattern.search(text) if may_hold(pattern, text) else None


def clean_doi(raw: str) -> str:
    doi = raw.rstrip(TRAILING)
    # A closing parenthesis is part of some DOIs (10.1002/(SICI)...): keep it when balanced.
    if raw.rstrip(".,;:").endswith(")") and doi.count("(") > doi.count(")"):
        doi += ")"
    return doi


def find_identifiers(text: str) -> list[Citation]:
    found: list[Citation] = []
    taken: list[tuple[int, int]] = []

    def overlaps(start: int, end: int) -> bool:
        return any(start < e and s < end for s, e in taken)

    for match in find_all(ARXIV_PATTERN, text):
        arxiv = normalize_arxiv(match.group(1))
        found.append(Citation(match.group(0), match.span(), "arxiv", CitedFields(arxiv=arxiv)))
        taken.append(match.span())
    for match in find_all(BARE_OLD_ARXIV, text):
        if not overlaps(*match.span()):
            found.append(Citation(match.group(0), match.span(), "arxiv",
                                  CitedFields(arxiv=normalize_arxiv(match.group(1)))))
            taken.append(match.span())
    for match in find_all(DOI_PATTERN, text):
        raw = clean_doi(match.group(1))
        start = match.start()
        end = match.start(1) + len(raw)
        if overlaps(start, end):
            continue
        doi = normalize_doi(raw)
        arxiv = normalize_arxiv(doi) if doi and "arxiv" in doi else None
        fields = CitedFields(doi=doi, arxiv=arxiv)
        found.append(Citation(text[start:end], (start, end), "doi", fields))
        taken.append((start, end))
    for match in find_all(ISBN_PATTERN, text):
        isbn = re.sub(r"[\- ]", "", match.group(1))
        found.append(Citation(match.group(0), match.span(), "isbn", CitedFields(isbn=isbn)))
    for match in find_all(PMID_PATTERN, text):
        found.append(Citation(match.group(0), match.span(), "pmid",
                              CitedFields(pmid=match.group(2).upper())))
    for match in find_all(URL_PATTERN, text):
        url = match.group(0).rstrip(TRAILING)
        start, end = match.start(), match.start() + len(url)
        if overlaps(start, end) or not any(host in url.lower() for host in SCHOLARLY_HOSTS):
            continue
        found.append(Citation(url, (start, end), "url", CitedFields(url=url)))
        taken.append((start, end))
    return found
