"""The decision for one citation: verdict, confidence, corrections and suggestions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from citecheck.compare import (
    NEAR_TITLE,
    SAME_TITLE,
    Comparison,
    Mismatch,
    compare,
    title_similarity,
)
from citecheck.extract.guided import guided_fields
from citecheck.extract.types import Citation, CitedFields
from citecheck.match import Candidate
from citecheck.records import Record, is_wellformed_doi, normalize_text
from citecheck.venues import VenueTable

VERIFIED = "verified"
MISMATCH = "mismatch"
NOT_FOUND = "not_found"
UNVERIFIABLE = "unverifiable"
VERDICTS = (VERIFIED, MISMATCH, NOT_FOUND, UNVERIFIABLE)
FLAGGED = (MISMATCH, NOT_FOUND)
SUGGESTIONS = 3
# Candidates compared field by field (the rest of the fused shortlist only feeds recall).
FULL_COMPARISONS = 4
# The mark left on a flagged citation that no real record may replace.
UNVERIFIED_MARK = "[citation not verified]"
# A suggestion's score is _closeness: 0.75·title + 0.2·authors + 0.05·identifier.
# On HALLMARK dev (1,119 entries against the bench-hallmark index) every flagged citation
# whose top suggestion scored >= 0.80 was a garbled rendering of that very paper (near-miss
# title, wrong year, venue or authors); hybrid fabrications (a real title spliced with other
# authors) scored up to 0.79. 0.85 keeps a margin above them.
REPLACE_MIN_SCORE = 0.85
# Absence from an index not declared complete is weaker evidence of fabrication: a
# real paper the index lacks looks exactly like an invented one.
PARTIAL_INDEX_CONFIDENCE = 0.75
# A near-miss title counts as the same work only when most cited authors agree.
NEAR_TITLE_AUTHOR_OVERLAP = 0.5

PLACEHOLDER_NAMES = {
    "john doe", "jane doe", "j doe", "author name", "first author", "second author",
    "third author", "firstname lastname", "first last", "anonymous", "anonymous author",
    "author", "authors", "a author", "author one", "author two", "some author", "unknown",
    "lastname", "surname", "name surname", "et al", "your name", "xxx", "tbd",
}


@dataclass(slots=True)
class Suggestion:
    """A real record close to the citation, offered as a grounded replacement."""

    record: Record
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"record": record_dict(self.record), "score": round(self.score, 3)}


@dataclass(slots=True)
class CitationResult:
    """The verdict on one citation."""

    citation: Citation
    verdict: str
    confidence: float
    record: Record | None = None
    mismatches: list[Mismatch] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    reason: str | None = None

    @property
    def flagged(self) -> bool:
        return self.verdict in FLAGGED

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.citation.text,
            "span": list(self.citation.span),
            "kind": self.citation.kind,
            "fields": self.citation.fields.to_dict(),
            "verdict": self.verdict,
            "confidence": round(self.confidence, 3),
            "reason": self.reason,
            "record": record_dict(self.record) if self.record else None,
            "mismatches": [m.to_dict() for m in self.mismatches],
            "suggestions": [s.to_dict() for s in self.suggestions],
        }


def record_dict(record: Record) -> dict[str, Any]:
    return {"id": record.id, "title": record.title, "authors": list(record.authors),
            "year": record.year, "venue": record.venue, "doi": record.doi,
            "arxiv": record.arxiv, "url": record.url}


@dataclass(frozen=True, slots=True)
class Coverage:
    """What an index covers, so that absence outside it is not called fabrication."""

    venues: frozenset[str]
    years: frozenset[int]
    complete: bool = False
    """The index claims to hold every real work of its domain (a closed world)."""

    def covers(self, fields: CitedFields, venues: VenueTable) -> tuple[bool, str]:
        if self.complete:
            return True, ""
        if fields.year is None and not fields.venue:
            return False, "no year or venue tells whether the index should hold it"
        if fields.year is not None and self.years and fields.year not in self.years:
            return False, f"the index holds no records from {fields.year}"
        if fields.venue:
            venue = venues.resolve(fields.venue)
            name = venue.canonical if venue else normalize_text(fields.venue)
            if self.venues and name not in self.venues:
                return False, f"the index holds no records from venue {fields.venue!r}"
        return True, ""


def plausibility_problems(fields: CitedFields, today: date) -> list[Mismatch]:
    """Problems visible without any record: future years, placeholder authors, bad DOIs."""
    problems = []
    if fields.year is not None and fields.year > today.year:
        problems.append(Mismatch("year", str(fields.year), f"a year not after {today.year}"))
    placeholders = [a for a in fields.authors
                    if normalize_text(a) in PLACEHOLDER_NAMES
                    or re.fullmatch(r"(?:author|name)\s*\d*", normalize_text(a))]
    if placeholders:
        problems.append(Mismatch("authors", "; ".join(placeholders), "real author names"))
    if fields.doi and not is_wellformed_doi(fields.doi):
        problems.append(Mismatch("doi", fields.doi, "a well-formed DOI (10.NNNN/suffix)"))
    return problems


def _worth_comparing(fields: CitedFields, candidates: list[Candidate]) -> list[Candidate]:
    """The few candidates that can be the cited work: the best fused ranks, the closest
    titles and identifier hits. Comparing all of them field by field costs ~2 ms."""
    if len(candidates) <= FULL_COMPARISONS:
        return candidates
    by_title = sorted(candidates, key=lambda c: title_similarity(fields.title, c.record.title),
                      reverse=True)
    chosen = {id(c): c for c in candidates[: FULL_COMPARISONS // 2]}
    chosen.update((id(c), c) for c in by_title[: FULL_COMPARISONS // 2])
    chosen.update((id(c), c) for c in candidates if "identifier" in c.channels)
    return list(chosen.values())


def _fields_for(citation: Citation, record: Record) -> CitedFields:
    """The citation's fields, re-parsed around the record's title when it occurs in the text."""
    if citation.kind in ("reference", "title"):
        guided = guided_fields(citation.text, citation.fields, record.title)
        if guided is not None:
            return guided
    return citation.fields


def _closeness(comparison: Comparison, fields: CitedFields) -> float:
    """Rank candidates: title first, then authors, then identifiers."""
    title = comparison.title_similarity if fields.title else 0.0
    authors = comparison.authors.overlap
    ids = 1.0 if comparison.identifier_match else 0.0
    if fields.title:
        return 0.75 * title + 0.2 * authors + 0.05 * ids
    return 0.6 * ids + 0.4 * authors


def grounded_replacement(result: CitationResult,
                         min_score: float = REPLACE_MIN_SCORE) -> Suggestion | None:
    """The real record that may stand in for a flagged citation, or None: a different
    paper is never swapped in, so only a suggestion at ``min_score`` or above qualifies."""
    best = result.suggestions[0] if result.suggestions else None
    return best if best is not None and best.score >= min_score else None


def _suggestions(ranked: list[tuple[float, Comparison]]) -> list[Suggestion]:
    return [Suggestion(c.record, score) for score, c in ranked[:SUGGESTIONS]]


def decide(citation: Citation, candidates: list[Candidate], venues: VenueTable,
           coverage: Coverage, *, today: date | None = None) -> CitationResult:
    """Turn a citation and its candidate records into a verdict."""
    fields = citation.fields
    today = today or date.today()
    problems = plausibility_problems(fields, today)

    if not (fields.title or fields.doi or fields.arxiv):
        reason = ("in-text citation without a reference entry or title"
                  if citation.kind == "inline" else "too little to check (no title or identifier)")
        if problems:
            return CitationResult(citation, NOT_FOUND, 0.7, mismatches=problems, reason=reason)
        return CitationResult(citation, UNVERIFIABLE, 0.5, reason=reason)
    if not candidates and not problems:
        return CitationResult(citation, UNVERIFIABLE, 0.5, reason="the index returned no candidates")

    comparisons = [compare(_fields_for(citation, c.record), c.record, venues)
                   for c in _worth_comparing(fields, candidates)]
    ranked = sorted(((_closeness(c, fields), c) for c in comparisons),
                    key=lambda pair: pair[0], reverse=True)
    suggestions = _suggestions(ranked)
    best = ranked[0][1] if ranked else None

    if best is not None and fields.title:
        same = best.title_similarity >= SAME_TITLE
        near = (best.title_similarity >= NEAR_TITLE
                and (best.authors.overlap >= NEAR_TITLE_AUTHOR_OVERLAP or best.identifier_match))
        if same or near:
            return _found(citation, best, problems, suggestions)
    elif best is not None and best.identifier_match:
        return _found(citation, best, problems, suggestions)

    # Nothing in the index is this work.
    identifier_owner = next((c for c in comparisons if c.identifier_match), None)
    mismatches = list(problems)
    if identifier_owner is not None:
        cited_id = fields.doi or fields.arxiv or ""
        mismatches.append(Mismatch("doi" if fields.doi else "arxiv", cited_id,
                                   f"belongs to {identifier_owner.record.title!r}"))
    best_title = best.title_similarity if best is not None else 0.0
    if not fields.title and not mismatches:
        return CitationResult(citation, UNVERIFIABLE, 0.5, suggestions=suggestions,
                              reason="identifier not in the index")
    covered, why = coverage.covers(fields, venues)
    if not covered and not mismatches:
        return CitationResult(citation, UNVERIFIABLE, 0.5, suggestions=suggestions,
                              reason=f"outside what the index covers: {why}")
    confidence = min(0.99, 0.5 + (NEAR_TITLE - min(best_title, NEAR_TITLE)) / NEAR_TITLE)
    reason = "no record in the index is close enough: probable hallucination"
    if not coverage.complete:
        # The index holds works of this venue and year, but maybe not all of them.
        confidence = min(confidence, PARTIAL_INDEX_CONFIDENCE)
        reason += " (or a work this index lacks: it is not declared complete)"
    if mismatches:
        confidence = max(confidence, 0.9)
    return CitationResult(citation, NOT_FOUND, confidence, mismatches=mismatches,
                          suggestions=suggestions, reason=reason)


def _found(citation: Citation, best: Comparison, problems: list[Mismatch],
           suggestions: list[Suggestion]) -> CitationResult:
    mismatches = list(best.mismatches)
    mismatches += [p for p in problems if all(p.field != m.field for m in mismatches)]
    title_certainty = max(0.0, (best.title_similarity - NEAR_TITLE) / (1 - NEAR_TITLE))
    if not citation.fields.title:
        title_certainty = 1.0 if best.identifier_match else 0.5
    if not mismatches:
        author_support = best.authors.overlap if best.authors.cited else 0.7
        confidence = 0.55 + 0.25 * title_certainty + 0.2 * author_support
        return CitationResult(citation, VERIFIED, min(confidence, 0.99), record=best.record)
    confidence = 0.6 + 0.39 * title_certainty
    return CitationResult(citation, MISMATCH, min(confidence, 0.99), record=best.record,
                          mismatches=mismatches, suggestions=suggestions,
                          reason="the work exists but the citation gets "
                                 + ", ".join(dict.fromkeys(m.field for m in mismatches)) + " wrong")
