"""Corrected copies of a text: wrong fields fixed in place, unverified citations marked."""

from __future__ import annotations

from dataclasses import dataclass

from citecheck.extract.guided import reading_with_title
from citecheck.formatting import (
    detect_style,
    format_authors,
    format_bibtex,
    format_reference,
    render_like,
)
from citecheck.report import Report
from citecheck.verdict import (
    MISMATCH,
    NOT_FOUND,
    UNVERIFIED_MARK,
    CitationResult,
    grounded_replacement,
)

FIXABLE_KINDS = ("reference", "bibtex")


@dataclass(slots=True)
class Change:
    """One edit made to the text."""

    span: tuple[int, int]
    action: str  # "corrected", "replaced", "marked" or "unparsed" (kept as written)
    before: str
    after: str
    line: int = 0
    """The line of the input the citation starts on (1-based)."""


def corrected_reference(result: CitationResult) -> str | None:
    """The citation text with its wrong fields corrected, in the style it was written in."""
    record = result.record
    if record is None:
        return None
    text = result.citation.text
    style = detect_style(text)
    if result.citation.kind == "bibtex" or style == "bibtex":
        return format_bibtex(record, key=result.citation.key)
    fields = reading_with_title(result.citation.fields, record.title)
    fixed = text
    for mismatch in result.mismatches:
        if mismatch.field == "title" and fields.title and fields.title in fixed:
            fixed = fixed.replace(fields.title, record.title, 1)
        elif mismatch.field == "year" and record.year and mismatch.cited in fixed:
            fixed = fixed.replace(mismatch.cited, str(record.year), 1)
        elif mismatch.field == "venue" and mismatch.cited in fixed:
            fixed = fixed.replace(mismatch.cited, record.venue or "arXiv", 1)
        elif mismatch.field == "doi" and mismatch.cited in fixed.lower():
            start = fixed.lower().index(mismatch.cited)
            fixed = fixed[:start] + (record.doi or "") + fixed[start + len(mismatch.cited):]
        elif mismatch.field == "authors":
            title_at = fixed.find(fields.title or "\0")
            if title_at <= 0:
                return format_reference(record, style)
            lead = fixed[:title_at]
            rendered = format_authors(record.authors, style)
            # Keep the entry's marker ("[3] ") and the punctuation between authors and title.
            marker = lead[: len(lead) - len(lead.lstrip("[]()0123456789. -*•"))]
            separator = " " if style == "apa" else ". "
            year_part = f"({record.year}). " if style == "apa" else ""
            quote = lead.rstrip()[-1:] if lead.rstrip()[-1:] in "\"“*_" else ""
            fixed = f"{marker}{rendered}{separator if not year_part else ' '}{year_part}{quote}" \
                    + fixed[title_at:]
    return fixed


def fix_text(text: str, report: Report) -> tuple[str, list[Change]]:
    """Apply corrections for every flagged reference entry of ``report`` to ``text``."""
    edits: list[Change] = []
    for result in report.results:
        if result.citation.kind not in FIXABLE_KINDS:
            continue
        start, end = result.citation.span
        before = text[start:end]
        if result.citation.problem is not None:
            # Written back as it is, and reported, so the user knows it was not checked.
            edits.append(Change((start, end), "unparsed", before, before))
        elif result.verdict == MISMATCH:
            after = corrected_reference(result)
            if after and after != before:
                edits.append(Change((start, end), "corrected", before, after))
        elif result.verdict == NOT_FOUND:
            best = grounded_replacement(result)
            if best is not None:
                after = render_like(best.record, before, key=result.citation.key)
                edits.append(Change((start, end), "replaced", before,
                                    f"{after} [replaced unverified citation]"))
            else:
                marked = (f"% {UNVERIFIED_MARK}\n{before}" if result.citation.kind == "bibtex"
                          else f"{before} {UNVERIFIED_MARK}")
                edits.append(Change((start, end), "marked", before, marked))
    # One pass in document order: the text between edits is written back unchanged, and
    # line numbers are counted as it goes.
    pieces: list[str] = []
    position = 0
    line = 1
    for change in sorted(edits, key=lambda c: c.span[0]):
        if change.span[0] < position:
            continue  # never write over text another edit already replaced
        line += text.count("\n", position, change.span[0])
        change.line = line
        line += text.count("\n", change.span[0], change.span[1])
        pieces += [text[position:change.span[0]], change.after]
        position = change.span[1]
    pieces.append(text[position:])
    return "".join(pieces), sorted(edits, key=lambda c: c.span[0])
