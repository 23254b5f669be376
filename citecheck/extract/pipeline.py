"""Extraction entry point: detect the format, run the finders, keep outermost spans, link."""

from __future__ import annotations

import re

from citecheck.extract.bibtex import find_bibtex
from citecheck.extract.identifiers import find_identifiers
from citecheck.extract.inline import expand_numbers, find_inline
from citecheck.extract.references import find_references
from citecheck.extract.types import Citation
from citecheck.records import family_name, normalize_text

# Numbered citations this high without a reference list are nearly always other numbers.
UNBACKED_NUMBER = 100
FORMATS = ("text", "markdown", "bibtex", "latex", "html")
_BIBTEX_ENTRY = re.compile(r"^\s{0,8}@[A-Za-z]{2,20}\s{0,5}[{(]", re.MULTILINE)
_LATEX_HINT = re.compile(r"\\(?:bibitem|cite[pt]?\*?|begin\{thebibliography\}|section)\b")
_HTML_HINT = re.compile(r"<(?:a\s[^<>]{0,200}href|p|div|li|ul|ol|br|span)\b", re.IGNORECASE)


def detect_format(text: str) -> str:
    """Best guess among FORMATS from the first 20,000 characters."""
    head = text[:20_000]
    stripped = head.lstrip()
    if stripped.startswith("@") and _BIBTEX_ENTRY.search(stripped):
        return "bibtex"
    if _LATEX_HINT.search(head):
        return "latex"
    if _HTML_HINT.search(head):
        return "html"
    if re.search(r"^\s{0,3}(?:#{1,6}\s|[-*]\s|\d{1,3}\.\s)|\*\*|\[[^\]\n]{1,200}\]\(", head,
                 re.MULTILINE):
        return "markdown"
    return "text"


def _inside(inner: tuple[int, int], outer: tuple[int, int]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _starts_line(text: str, index: int) -> bool:
    line_start = text.rfind("\n", 0, index) + 1
    return not text[line_start:index].strip() and text[index:index + 1] == "["


def _blank_tags(text: str) -> str:
    return re.sub(r"<[^<>\n]{0,500}>", lambda match: " " * len(match.group(0)), text)


def _sanitise(text: str) -> str:
    """Control characters become spaces (same length, so spans stay valid)."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", text)


def extract(text: str, *, format: str | None = None) -> list[Citation]:
    """All citation spans of ``text`` in document order, each with parsed fields."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    original = text
    text = _sanitise(text)
    kind = format or detect_format(text)
    if kind not in FORMATS:
        raise ValueError(f"unknown format {kind!r}; expected one of {', '.join(FORMATS)}")
    entries = find_bibtex(text)
    if kind != "bibtex":
        bib_spans = [c.span for c in entries]
        # Tags become spaces (offsets unchanged) so markup does not split or join entries.
        prose = _blank_tags(text) if kind == "html" else text
        entries += [c for c in find_references(prose)
                    if not any(_overlaps(c.span, span) for span in bib_spans)]
    entry_spans = [c.span for c in entries]
    found = find_identifiers(text) + ([] if kind == "bibtex" else find_inline(text))
    others: list[Citation] = []
    for citation in sorted(found, key=lambda c: (c.span[0], -c.span[1])):
        if any(_inside(citation.span, span) for span in entry_spans):
            continue
        if any(_overlaps(citation.span, other.span) for other in others):
            continue
        if citation.kind == "inline" and citation.key and _starts_line(text, citation.span[0]):
            continue  # "[3] K. He, ..." -- a list marker, not a citation
        others.append(citation)
    citations = sorted(entries + others, key=lambda c: (c.span[0], -c.span[1]))
    for citation in citations:
        citation.text = original[citation.span[0]:citation.span[1]]
    link_citations(citations)
    # "[100, 200]" in prose is a range, not a citation, unless a reference list backs it;
    # "Smith and Jones" without a year is a citation only when an entry names them.
    unlinked = [c for c in citations if c.kind == "inline" and c.links_to is None and (
        (c.key and c.key[:1].isdigit() and int(re.split(r"\D", c.key)[0]) >= UNBACKED_NUMBER)
        or (not c.key and c.fields.authors and c.fields.year is None))]
    if unlinked:
        citations = [c for c in citations if c not in unlinked]
        link_citations(citations)
    return citations


def link_citations(citations: list[Citation]) -> None:
    """Point each in-text citation at the reference entry it cites, when there is one."""
    entries = [(i, c) for i, c in enumerate(citations) if c.kind in ("reference", "bibtex")]
    by_key = {c.key: i for i, c in entries if c.key}
    for citation in citations:
        if citation.kind == "inline" and citation.key:
            keys = [citation.key] if citation.key in by_key else expand_numbers(citation.key)
            citation.links_to = next((by_key[k] for k in keys if k in by_key), None)
        elif citation.kind == "inline" and citation.fields.authors:
            citation.links_to = _by_author_year(citation, entries)
        elif citation.kind == "title" and citation.fields.title:
            wanted = normalize_text(citation.fields.title)
            citation.links_to = next((i for i, c in entries if c.fields.title
                                      and normalize_text(c.fields.title) == wanted), None)


def _by_author_year(citation: Citation, entries: list[tuple[int, Citation]]) -> int | None:
    """The entry whose first author's family name and year match an author–year citation.

    A citation without a year ("Abel et al. showed", "Dao and Ré") links only to the one
    entry whose first family names it gives; with two such entries it cannot tell which.
    """
    cited = citation.fields
    wanted = [normalize_text(family_name(name)) for name in cited.authors]
    matches = []
    for index, entry in entries:
        fields = entry.fields
        if not fields.authors or (cited.year is not None and fields.year != cited.year):
            continue
        families = [normalize_text(family_name(name)) for name in fields.authors]
        if cited.year is None:
            named = families[:len(wanted)] == wanted
        else:
            named = families[0] == wanted[0] or (wanted[0] in families[:1] + families[-1:]
                                                 and len(cited.authors) > 1)
        if named:
            matches.append(index)
    if cited.year is None:
        return matches[0] if len(matches) == 1 else None
    return matches[0] if matches else None
