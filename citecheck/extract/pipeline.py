"""Extraction entry point: detect the format, run the finders, keep outermost spans, link."""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right

from citecheck.extract.bibtex import find_bibtex
from citecheck.extract.identifiers import find_identifiers
from citecheck.extract.inline import expand_numbers, find_inline, find_titles_by
from citecheck.extract.references import find_references
from citecheck.extract.structured import find_structured
from citecheck.extract.types import Citation
from citecheck.records import family_name, normalize_text

# Numbered citations this high without a reference list are nearly always other numbers.
UNBACKED_NUMBER = 100
# Citations checked per input; past it they are listed as not checked. An LLM answer or a
# paper's reference list has well under 1,000; a 990 KB request held 28 k (issue 13).
MAX_CITATIONS = 2000
FORMATS = ("text", "markdown", "bibtex", "latex", "html")
_BIBTEX_ENTRY = re.compile(r"^\s{0,8}@[A-Za-z]{2,20}\s{0,5}[{(]", re.MULTILINE)
_LATEX_HINT = re.compile(r"\\(?:bibitem|cite[pt]?\*?|begin\{thebibliography\}|section)\b")
_HTML_HINT = re.compile(r"<(?:a\s[^<>]{0,200}href|p|div|li|ul|ol|br|span|table|tr|td)\b", re.IGNORECASE)
_MARKDOWN_HINT = re.compile(r"^\s{0,3}(?:#{1,6}\s|[-*]\s|\d{1,3}\.\s)|\*\*|\[[^\]\n]{1,200}\]\(",
                            re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
    if _MARKDOWN_HINT.search(head):
        return "markdown"
    return "text"


def _starts_line(text: str, index: int) -> bool:
    """Whether only blanks precede ``index`` on its line (a list marker, not a cite)."""
    before = index
    # Walk back over blanks only: a search back to the line start costs quadratic time on
    # megabyte lines full of "[1]".
    while before > 0 and text[before - 1] in " \t":
        before -= 1
    return (before == 0 or text[before - 1] in "\r\n") and text[index:index + 1] == "["


# One pass over the markup of an HTML answer: block tags, emphasis, other tags, entities.
_MARKUP = re.compile(
    r"(?P<table><table\b[^<>\n]{0,500}>)|(?P<row></?tr\b[^<>\n]{0,500}>)"
    r"|(?P<cell><t[dh]\b[^<>\n]{0,500}>)|(?P<cell_end></t[dh]\s{0,5}>)"
    r"|(?P<block></?(?:li|p|div|br|h[1-6]|ol|ul|dl|dd|dt|table|blockquote|section|"
    r"article|header|footer|hr)\b[^<>\n]{0,500}>)"
    r"|(?P<open><(?:i|em|cite)\b[^<>\n]{0,200}>)|(?P<close></(?:i|em|cite)\s{0,5}>)"
    r"|(?P<anchor><a\s[^<>\n]{0,500}>)|(?P<unanchor></a\s{0,5}>)"
    r"|(?P<tag><[^<>\n]{0,500}>)"
    r"|(?P<entity>&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});)",
    re.IGNORECASE,
)
_MARKUP_TEXT = {"block": "\n", "open": "*", "close": "*", "tag": " ", "anchor": " ", "unanchor": " ",
                "table": "\n", "cell": " ", "cell_end": " |"}
_HREF = re.compile(r"""\bhref\s{0,3}=\s{0,3}(?:"([^"]{1,500})"|'([^']{1,500})')""", re.IGNORECASE)


def html_as_text(text: str) -> tuple[str, list[int]]:
    """HTML laid out as text, and for each of its characters the offset it came from.

    Block tags end a line (one list item per line), a table's rows become Markdown table
    rows (its first row the heading), <i>/<em> titles become *emphasis*, entities their
    character ("Ken&#x27;ichi" stays one word), other tags a blank.
    """
    parts: list[str] = []
    origins: list[int] = []
    position = 0
    # The web address of the open <a>, and where its text starts in ``parts``.
    link: tuple[str, int] | None = None
    in_table = heading_row = False
    for match in _MARKUP.finditer(text):
        between = text[position:match.start()]
        # A table row is one line and the rows are lines in a row, however the HTML
        # around them is laid out.
        parts.append(between.replace("\n", " ") if in_table else between)
        origins.extend(range(position, match.start()))
        kind = match.lastgroup or "tag"
        replacement = html.unescape(match.group(0)) if kind == "entity" else _MARKUP_TEXT.get(kind, "")
        if kind == "table":
            in_table = heading_row = True
        elif kind == "row":
            opening = not match.group(0).startswith("</")
            replacement = "\n|" if opening else ("\n|---|" if heading_row else "")
            heading_row = heading_row and opening
        elif kind == "block" and match.group(0)[:7].lower() == "</table":
            in_table = False
        elif kind == "anchor":
            href = _HREF.search(match.group(0))
            url = html.unescape(href.group(1) or href.group(2)).strip() if href else ""
            link = (url, len(parts)) if url.lower().startswith(("http://", "https://")) else None
        elif kind == "unanchor" and link is not None:
            # A linked title ("<a href=doi><i>Title</i></a>") keeps its DOI or URL, written
            # after the link text as a plain-text reference writes it; a link whose text
            # already shows its address adds nothing.
            url, start = link
            if url not in "".join(parts[start:]):
                replacement = f" {url} "
            link = None
        parts.append(replacement)
        origins.extend([match.start()] * len(replacement))
        position = match.end()
    parts.append(text[position:])
    origins.extend(range(position, len(text) + 1))
    return "".join(parts), origins


def _from_html(citations: list[Citation], origins: list[int]) -> list[Citation]:
    """Citations found in ``html_as_text`` moved back onto the HTML's offsets."""
    for citation in citations:
        start, end = citation.span
        citation.span = (origins[start], origins[end - 1] + 1 if end > start else origins[end])
    return citations


def _sanitise(text: str) -> str:
    """Control characters become spaces (same length, so spans stay valid)."""
    return _CONTROL.sub(" ", text)


class _Spans:
    """Sorted spans answering "is this span inside / overlapping one of them" in log time."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.reach: list[int] = []  # the furthest end among the spans starting so far
        furthest = -1
        for _, end in ordered:
            furthest = max(furthest, end)
            self.reach.append(furthest)

    def covers(self, span: tuple[int, int]) -> bool:
        before = bisect_right(self.starts, span[0])
        return before > 0 and self.reach[before - 1] >= span[1]

    def overlaps(self, span: tuple[int, int]) -> bool:
        before = bisect_left(self.starts, span[1])
        return before > 0 and self.reach[before - 1] > span[0]


def extract(text: str, *, format: str | None = None,
            max_citations: int = MAX_CITATIONS) -> list[Citation]:
    """All citation spans of ``text`` in document order, each with parsed fields.

    Past ``max_citations`` the citations are still listed, each with a ``problem`` saying
    it was not checked, so that a huge input is bounded and nothing vanishes silently.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    original = text
    text = _sanitise(text)
    kind = format or detect_format(text)
    if kind not in FORMATS:
        raise ValueError(f"unknown format {kind!r}; expected one of {', '.join(FORMATS)}")
    entries = find_bibtex(text)
    if kind != "bibtex":
        # Markup laid out as text, so that it does not split or join entries.
        prose, origins = html_as_text(text) if kind == "html" else (text, None)
        # Labelled fields (a table row, "Title: ..." lines, JSON, "“X” by A and B") say
        # what each part is; the reference parser's guess over the same words gives way.
        for reading in (find_structured(prose), find_titles_by(prose),
                        find_references(prose, max_entries=max_citations)):
            taken = _Spans([c.span for c in entries])
            found_here = _from_html(reading, origins) if origins is not None else reading
            entries += [c for c in found_here if not taken.overlaps(c.span)]
    entry_spans = _Spans([c.span for c in entries])
    found = find_identifiers(text) + ([] if kind == "bibtex" else find_inline(text))
    others: list[Citation] = []
    # Accepted spans are disjoint and sorted by start: a new span overlaps one of them
    # exactly when it starts before the last one ends.
    accepted_end = -1
    for citation in sorted(found, key=lambda c: (c.span[0], -c.span[1])):
        if entry_spans.covers(citation.span) or citation.span[0] < accepted_end:
            continue
        if citation.kind == "inline" and citation.key and _starts_line(text, citation.span[0]):
            continue  # "[3] K. He, ..." -- a list marker, not a citation
        others.append(citation)
        accepted_end = citation.span[1]
    citations = sorted(entries + others, key=lambda c: (c.span[0], -c.span[1]))
    for citation in citations:
        citation.text = original[citation.span[0]:citation.span[1]]
    link_citations(citations)
    # "[100, 200]" in prose is a range, not a citation, unless a reference list backs it;
    # "Smith and Jones" without a year is a citation only when an entry names them.
    unlinked = {id(c) for c in citations if c.kind == "inline" and c.links_to is None and (
        (c.key and c.key[:1].isdigit() and int(re.split(r"\D", c.key)[0]) >= UNBACKED_NUMBER)
        or (not c.key and c.fields.authors and c.fields.year is None))}
    if unlinked:
        citations = [c for c in citations if id(c) not in unlinked]
        link_citations(citations)
    for citation in citations[max_citations:]:
        citation.problem = (f"not checked: the input has more than {max_citations} citations "
                            "(the per-input cap)")
    return citations


def link_citations(citations: list[Citation]) -> None:
    """Point each in-text citation at the reference entry it cites, when there is one."""
    entries = [(i, c) for i, c in enumerate(citations) if c.kind in ("reference", "bibtex")]
    by_key = {c.key: i for i, c in entries if c.key}
    by_title: dict[str, int] = {}
    # Entries by the family names that can start an author-year match (first and last), so
    # that each in-text cite looks at the entries naming it, not at every entry.
    by_family: dict[str, list[int]] = {}
    families_of: dict[int, list[str]] = {}
    for index, entry in entries:
        if entry.fields.title:
            by_title.setdefault(normalize_text(entry.fields.title), index)
        if entry.fields.authors:
            families = [normalize_text(family_name(name)) for name in entry.fields.authors]
            families_of[index] = families
            for family in dict.fromkeys((families[0], families[-1])):
                by_family.setdefault(family, []).append(index)
    for citation in citations:
        if citation.kind == "inline" and citation.key:
            keys = [citation.key] if citation.key in by_key else expand_numbers(citation.key)
            citation.links_to = next((by_key[k] for k in keys if k in by_key), None)
        elif citation.kind == "inline" and citation.fields.authors:
            citation.links_to = _by_author_year(citation, citations, by_family, families_of)
        elif citation.kind == "title" and citation.fields.title:
            citation.links_to = by_title.get(normalize_text(citation.fields.title))


def _by_author_year(citation: Citation, citations: list[Citation],
                    by_family: dict[str, list[int]],
                    families_of: dict[int, list[str]]) -> int | None:
    """The entry whose first author's family name and year match an author–year citation.

    A citation without a year ("Abel et al. showed", "Dao and Ré") links only to the one
    entry whose first family names it gives; with two such entries it cannot tell which.
    """
    cited = citation.fields
    wanted = [normalize_text(family_name(name)) for name in cited.authors]
    matches = []
    for index in by_family.get(wanted[0], ()):
        fields = citations[index].fields
        if cited.year is not None and fields.year != cited.year:
            continue
        families = families_of[index]
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
