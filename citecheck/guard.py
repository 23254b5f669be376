"""A guard for RAG answers: verify citations, then annotate, remove or replace unverified ones."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from citecheck.compare import SAME_TITLE, title_similarity
from citecheck.extract import Citation
from citecheck.formatting import render_like
from citecheck.match import Candidate
from citecheck.records import Record
from citecheck.report import Report
from citecheck.verdict import (
    FLAGGED,
    MISMATCH,
    REPLACE_MIN_SCORE,
    UNVERIFIED_MARK,
    VERIFIED,
    CitationResult,
    Coverage,
    decide,
    grounded_replacement,
)
from citecheck.verifier import Verifier

Mode = Literal["annotate", "remove", "replace"]
MODES: tuple[Mode, ...] = ("annotate", "remove", "replace")
ANNOTATION = UNVERIFIED_MARK
# A citation "is" a retrieved document when their titles are the same title by the measure
# compare.py uses to tell the same title from a near miss.
SOURCE_TITLE_MATCH = SAME_TITLE
_EMPTY_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)]|\[\d{1,3}\])?\s*$")


@dataclass(slots=True, frozen=True)
class GuardChange:
    """One edit the guard made to the answer, so that no change is silent."""

    citation: str
    span: tuple[int, int]
    verdict: str
    action: Literal["annotated", "removed", "replaced"]
    replacement: Record | None = None
    score: float | None = None


@dataclass(slots=True)
class GuardResult:
    """The report on the original answer, the guarded answer and the edits that produced it."""

    report: Report
    text: str
    changes: list[GuardChange] = field(default_factory=list)


def matching_source(citation: Citation, sources: Sequence[Record]) -> Record | None:
    """The retrieved document a citation cites: same DOI, same arXiv id or the same title."""
    fields = citation.fields
    for source in sources:
        if (fields.doi and source.doi and fields.doi.lower() == source.doi.lower()) or (
                fields.arxiv and source.arxiv and fields.arxiv == source.arxiv):
            return source
    best = max(sources, key=lambda s: title_similarity(fields.title, s.title), default=None)
    if best is not None and title_similarity(fields.title, best.title) >= SOURCE_TITLE_MATCH:
        return best
    return None


def with_sources(report: Report, sources: Sequence[Record], verifier: Verifier) -> Report:
    """The report with citations of the retrieved documents checked against them.

    A citation naming a retrieved document (same identifier or title) is compared with
    it field by field, with the plausibility checks, exactly as with an index record:
    it is verified only when everything it says agrees, and a mismatch when the title
    matches but other fields (authors, year, venue) do not.
    """
    if not sources:
        return report
    # The retrieved documents are the whole world of this check: absence means nothing.
    sources_only = Coverage(frozenset(), frozenset(), complete=True)
    results: list[CitationResult] = []
    for result in report.results:
        citation = result.citation
        source = None if citation.links_to is not None else matching_source(citation, sources)
        if source is not None and result.verdict != VERIFIED:
            checked = decide(citation, [Candidate(source, 1.0)], verifier.venues, sources_only,
                             today=verifier.today)
            if checked.verdict == VERIFIED:
                result = replace(checked, reason=f"matches retrieved source {source.id}")
            elif checked.verdict == MISMATCH and checked.record is source:
                result = replace(checked, reason=f"{checked.reason} (compared with retrieved "
                                                 f"source {source.id})")
        results.append(result)
    # In-text citations follow the entry they point to, as in Verifier.verify_citations.
    for position, result in enumerate(results):
        target = result.citation.links_to
        if target is not None and target < len(results):
            results[position] = replace(results[target], citation=result.citation)
    return Report(report.source, report.index, results)


def _locate(text: str, citation: Citation) -> tuple[int, int] | None:
    start, end = citation.span
    if text[start:end] == citation.text:
        return start, end
    found = text.find(citation.text)
    return (found, found + len(citation.text)) if found >= 0 else None


def _remove(text: str, start: int, end: int) -> str:
    """Cut a span; drop its line too when nothing but a list marker would be left."""
    # "(Smith et al., 2020)": the span excludes the brackets, which must go with it.
    if start > 0 and end < len(text) and text[start - 1] + text[end] in ("()", "[]"):
        start, end = start - 1, end + 1
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    rest = text[line_start:start] + text[end:line_end]
    if _EMPTY_LIST_ITEM.match(rest):
        return text[:line_start] + text[min(line_end + 1, len(text)):]
    before = text[:start].rstrip(" ") if text[end:end + 1] in (" ", ".", ",", ";", ")", "") \
        else text[:start]
    return before + text[end:]


def _edit(result: CitationResult, mode: Mode, min_score: float,
          ) -> tuple[str, GuardChange] | None:
    """The new text for one unverified citation and the change record, or None to leave it."""
    citation = result.citation
    if mode == "remove":
        return "", GuardChange(citation.text, citation.span, result.verdict, "removed")
    # In-text pointers ("[3]", "(Smith et al., 2020)") keep pointing at their entry, which
    # carries the annotation or the replacement: annotating both would only add clutter.
    if citation.links_to is not None:
        return None
    best = grounded_replacement(result, min_score) if mode == "replace" else None
    if best is not None:
        return render_like(best.record, citation.text), GuardChange(
            citation.text, citation.span, result.verdict, "replaced", best.record, best.score)
    return f"{citation.text} {ANNOTATION}", GuardChange(citation.text, citation.span,
                                                       result.verdict, "annotated")


def guard(verifier: Verifier, answer: str, *, sources: Sequence[Record] = (),
          mode: Mode = "annotate", verdicts: Collection[str] = FLAGGED,
          min_score: float = REPLACE_MIN_SCORE, format: str | None = None) -> GuardResult:
    """Verify ``answer`` and rewrite its unverified citations; ``sources`` count as verified.

    ``mode``: "annotate" appends ``[citation not verified]``; "remove" deletes the citation;
    "replace" swaps in the closest real record when its score is at least ``min_score`` and
    annotates otherwise, so a different paper is never swapped in silently. ``verdicts`` are
    the verdicts treated as unverified (default: mismatch and not_found).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    report = with_sources(verifier.verify_text(answer, source="<answer>", format=format),
                          sources, verifier)
    edits: list[tuple[int, int, str, GuardChange]] = []
    for result in report.results:
        if result.verdict not in verdicts:
            continue
        located = _locate(answer, result.citation)
        edit = _edit(result, mode, min_score) if located is not None else None
        if located is not None and edit is not None:
            edits.append((*located, *edit))
    edits.sort(key=lambda item: item[0])
    text, changes, cursor = answer, [], len(answer) + 1
    # Apply from the end so earlier spans stay valid; skip spans overlapping a later edit.
    for start, end, new_text, change in reversed(edits):
        if end > cursor:
            continue
        text = _remove(text, start, end) if change.action == "removed" else (
            text[:start] + new_text + text[end:])
        changes.append(change)
        cursor = start
    changes.reverse()
    return GuardResult(report, text, changes)
