"""The decision for one citation: verdict, confidence, corrections and suggestions."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from citecheck.compare import (
    NEAR_TITLE,
    SAME_TITLE,
    Comparison,
    Mismatch,
    compare,
    compare_authors,
    is_preprint_record,
    name_parts,
    title_extends,
    title_similarity,
)
from citecheck.extract.fields import QUOTE_OPEN
from citecheck.extract.guided import (
    all_readings,
    not_a_title,
    venue_ending_title,
    venue_run_on,
)
from citecheck.extract.names import AND_WORDS, ORGANISATION, names_only
from citecheck.extract.types import Citation, CitedFields
from citecheck.extract.venue_rules import VENUE_START
from citecheck.match import Candidate
from citecheck.records import (
    DISTINCTIVE_TITLE_CHARS,
    Record,
    family_name,
    is_wellformed_doi,
    normalize_text,
)
from citecheck.venues import VenueTable

VERIFIED = "verified"
MISMATCH = "mismatch"
NOT_FOUND = "not_found"
UNVERIFIABLE = "unverifiable"
VERDICTS = (VERIFIED, MISMATCH, NOT_FOUND, UNVERIFIABLE)
FLAGGED = (MISMATCH, NOT_FOUND)
# A quoted or linked phrase is a title ("“X” (ICLR 2018)", "[X](https://...)"), and so is a
# longer one or one with a subtitle; a few words may name a topic ("Deep Residual Networks").
TOPIC_WORDS = 6
_TITLE_MARKS = QUOTE_OPEN + "["
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
# A miss inside a venue-year the index lists completely is strong evidence of
# fabrication (the list holds every accepted paper).
LISTED_MISS_CONFIDENCE = 0.9
# A long author list may differ from a record's in ways a short one may not. Authors a
# citation lists beyond a record's own (at most MAX_EXTRA_AUTHORS) are another version's
# (see _more_authors_than_record): an author added to a short list is how fabricated
# citations look (HALLMARK's swapped_authors: PEBBLE cited with 5 authors for its 3), while
# large collaborations' versions differ. And the record's first names with no "et al." are a
# list cut short by a reference manager (Google Scholar's Harvard and Vancouver exports keep
# eleven names), not an invented partial list (those keep one to three names).
MAX_EXTRA_AUTHORS = 2
LONG_AUTHOR_LIST = 8
# A near-miss title counts as the same work only when most cited authors agree.
NEAR_TITLE_AUTHOR_OVERLAP = 0.5

PLACEHOLDER_NAMES = {
    "john doe", "jane doe", "j doe", "author name", "first author", "second author",
    "third author", "firstname lastname", "first last", "anonymous", "anonymous author",
    "author", "authors", "a author", "author one", "author two", "some author", "unknown",
    "lastname", "surname", "name surname", "et al", "your name", "xxx", "tbd",
}
# Whatever the initials: "Lastname, F." (APA's "Firstname Lastname").
PLACEHOLDER_FAMILIES = frozenset({"lastname", "surname"})


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
    warnings: list[Mismatch] = field(default_factory=list)
    """Slips a careful author also makes (a year off by one across versions, "arXiv"
    for a published work): shown, but they fail nothing unless ``--strict``."""

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
            "warnings": [w.to_dict() for w in self.warnings],
            "suggestions": [s.to_dict() for s in self.suggestions],
        }


def record_dict(record: Record) -> dict[str, Any]:
    return {"id": record.id, "title": record.title, "authors": list(record.authors),
            "year": record.year, "venue": record.venue, "doi": record.doi,
            "arxiv": record.arxiv, "url": record.url, "provenance": list(record.ids or [record.id])}


@dataclass(frozen=True, slots=True)
class Coverage:
    """What an index lists completely, so that absence elsewhere is not called fabrication."""

    venues: frozenset[str]
    years: frozenset[int]
    complete: bool = False
    """The index claims to hold every real work of its domain (a closed world)."""
    complete_venue_years: Mapping[str, frozenset[int]] = field(default_factory=dict)
    """Venue-years whose every paper the index holds (accepted-paper lists, proceedings)."""

    def lists_completely(self, fields: CitedFields, venues: VenueTable) -> tuple[bool, str]:
        """Whether the index lists every paper of the cited venue-year; if not, what it lacks."""
        if self.complete:
            return True, ""
        if not fields.venue:
            return False, ("the citation names no venue, and the index lists only some "
                           "venue-years completely")
        name = venues.venue_key(fields.venue)
        years = self.complete_venue_years.get(name)
        if not years:
            return False, f"the index has no complete list of {name} papers"
        if fields.year is None:
            return False, f"the citation names no year of {name}"
        if fields.year not in years:
            listed = ", ".join(str(y) for y in sorted(years)[-6:])
            return False, f"the index lists {name} completely only for {listed}, not {fields.year}"
        return True, ""


def _volumes_named(citation: Citation, venues: VenueTable) -> Citation:
    """A volume of a series numbered across venues names the venue and year it holds:
    "Proc. Mach. Learn. Res. 139" is ICML 2021 ("ICML (Proc. Mach. Learn. Res. 139)")."""
    fields = citation.fields
    if not any(reading.volume for reading in (fields, *fields.readings)):
        return citation

    def named(reading: CitedFields) -> CitedFields:
        held = venues.volume_holds(reading.venue, reading.volume)
        if held is None:
            return reading
        venue, year = held.rsplit(" ", 1)
        return replace(reading, venue=f"{venue} ({reading.venue} {reading.volume})",
                       year=reading.year or int(year))

    readings = [named(reading) for reading in fields.readings]
    return replace(citation, fields=replace(named(fields), readings=readings))


def plausibility_problems(fields: CitedFields, today: date) -> list[Mismatch]:
    """Problems visible without any record: future years, placeholder authors, bad DOIs."""
    problems = []
    if fields.year is not None and fields.year > today.year:
        problems.append(Mismatch("year", str(fields.year), f"a year not after {today.year}"))
    placeholders = [a for a in fields.authors
                    if normalize_text(a) in PLACEHOLDER_NAMES
                    or re.fullmatch(r"(?:author|name)\s*\d*", normalize_text(a))
                    or name_parts(a).family in PLACEHOLDER_FAMILIES]
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


def _fields_for(citation: Citation, record: Record, venues: VenueTable) -> Comparison:
    """The comparison with ``record`` of the citation's reading that agrees best with it.

    An author list or title boundary with several readings is resolved against the record,
    never held against the writer: a field is a mismatch only when no reading agrees. The
    readings were parsed once, at extraction; nothing is re-parsed per candidate.
    """
    readings = all_readings(citation.fields)
    similarities = [title_similarity(reading.title, record.title) for reading in readings]
    if citation.kind != "bibtex" and max(similarities) < SAME_TITLE:  # (BibTeX's is delimited)
        run_on = [reading for reading in (venue_run_on(r, record, venues) for r in readings)
                  if reading is not None]
        readings += run_on
        similarities += [title_similarity(reading.title, record.title) for reading in run_on]
    closest = max(similarities)
    # The title boundary closest to the record's title comes first, and then the fewest
    # mismatches: a reading whose title swallows the venue ("... Algorithm. Mach. Learn")
    # must not win by having no venue to disagree with. So a reading whose title is further
    # from the record's cannot win, and is not compared field by field.
    comparisons = [compare(reading, record, venues)
                   for reading, similarity in zip(readings, similarities, strict=True)
                   if similarity == closest]
    return max(comparisons, key=lambda c: (c.title_similarity >= SAME_TITLE,
                                           c.title_similarity >= NEAR_TITLE, c.title_similarity,
                                           -len(c.mismatches), c.authors.overlap))


def _names_the_work(comparison: Comparison, *, near_titles: bool = True) -> bool:
    """The compared record is the cited work: the same title, or an extended one (or, with
    ``near_titles``, a near one) led by the same first author or with the cited identifier.

    A near title by a co-author is not enough: "Ruslan Salakhutdinov. Learning deep
    generative models, 2009" (his thesis) is not Hu, Yang, Salakhutdinov and Xing's "On
    Unifying Deep Generative Models", and calling it that accused a real reference.
    """
    if comparison.title_similarity >= SAME_TITLE:
        return True
    near = (near_titles and comparison.title_similarity >= NEAR_TITLE) or title_extends(
        comparison.cited.title, comparison.record.title)
    same_authors = (comparison.authors.overlap >= NEAR_TITLE_AUTHOR_OVERLAP
                    and comparison.authors.first_matches)
    return near and (same_authors or comparison.identifier_match)


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


Versions = Callable[[Record], list[Record]]
"""versions(record): every record of the record's work (preprint, published, ...)."""
AuthorWorks = Callable[[str, int], list[Record]]
"""author_works(family, year): the index's works of that year with an author of that name."""
# Works looked at for one in-text cite; at the cap, a common name may hide the one meant.
AUTHOR_WORKS = 200


def decide(citation: Citation, candidates: list[Candidate], venues: VenueTable,
           coverage: Coverage, *, today: date | None = None,
           versions: Versions | None = None,
           author_works: AuthorWorks | None = None) -> CitationResult:
    """Turn a citation and its candidate records into a verdict.

    ``versions``: a work's versions; ``author_works``: the works of a cited author in a year,
    for the words an in-text cite is given with (both look-ups in the index, made only when
    a verdict needs them)."""
    if citation.problem is not None:  # seen but not checkable: reported, never dropped
        return CitationResult(citation, UNVERIFIABLE, 0.5, reason=citation.problem)
    citation = _volumes_named(citation, venues)
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

    comparisons = [_fields_for(citation, c.record, venues)
                   for c in _worth_comparing(fields, candidates)]
    ranked = sorted(((_closeness(c, fields), c) for c in comparisons),
                    key=lambda pair: pair[0], reverse=True)
    suggestions = _suggestions(ranked)
    best = ranked[0][1] if ranked else None
    if best is not None and fields.title and not _names_the_work(best):
        # A record whose whole title the citation carries outranks one it merely resembles:
        # a title misread with the affiliations before it ("Massachusetts Institute of
        # Technology (MIT), ... Reconciling Elastic and Equilibrium Methods ...") can be
        # closer to another paper's title ("MT at the Massachusetts Institute of Technology").
        best = next((c for _, c in ranked if _names_the_work(c, near_titles=False)), best)
    if best is not None and fields.title and best.title_similarity >= SAME_TITLE:
        # Records of one title that no version link joins (a workshop paper and its journal
        # version with another author list, "[In Chinese]" on one title and not the other):
        # the citation cites the one it agrees with.
        best = min((c for _, c in ranked if c.title_similarity >= SAME_TITLE),
                   key=lambda c: len(c.mismatches))

    if best is not None and fields.title:
        if _names_the_work(best):
            return _found(citation, best, problems, suggestions, venues, coverage, versions)
    elif best is not None and best.identifier_match:
        return _found(citation, best, problems, suggestions, venues, coverage, versions)

    # Nothing in the index is this work.
    identifier_owner = next((c for c in comparisons if c.identifier_match), None)
    if identifier_owner is not None and citation.kind != "bibtex" \
            and not_a_title(fields.title or ""):
        # No title could be read (physics and chemistry styles print none: "M. Huti, ...,
        # arXiv, 2026, preprint, DOI: 10.48550/..."): the identifier says which work it is.
        untitled = replace(fields, title=None, readings=[])
        return _found(replace(citation, fields=untitled),
                      compare(untitled, identifier_owner.record, venues), problems,
                      suggestions, venues, coverage, versions)
    mismatches = list(problems)
    if identifier_owner is not None and not (citation.kind != "bibtex" and _carries_title(
            citation.text, identifier_owner.record)):
        # (A DOI whose record's title the text carries is the cited work's: the fields were
        # misread, and the safety net below says so.)
        cited_id = fields.doi or fields.arxiv or ""
        mismatches.append(Mismatch("doi" if fields.doi else "arxiv", cited_id,
                                   f"belongs to {identifier_owner.record.title!r}"))
    best_title = best.title_similarity if best is not None else 0.0
    ending = venue_ending_title(fields, venues) if citation.kind != "bibtex" else None
    if ending is not None:
        # The venue the title ran into (IOP, PNAS) is the venue whose list the miss is
        # checked against.
        citation = replace(citation, fields=ending)
        fields = ending
    if not fields.title and not mismatches:
        return CitationResult(citation, UNVERIFIABLE, 0.5, suggestions=suggestions,
                              reason="identifier not in the index")
    listed, why = coverage.lists_completely(fields, venues)
    if listed and not coverage.complete and not mismatches and _plausible_preprint_id(fields):
        # A real-looking arXiv id of the cited year that the index cannot check: the
        # work may well exist as that preprint, cited with a venue it never had.
        return CitationResult(
            citation, UNVERIFIABLE, 0.5, suggestions=suggestions,
            reason=f"not among the {venues.venue_key(fields.venue or '')} {fields.year} papers, "
                   f"but it cites arXiv:{fields.arxiv}, which the index cannot check")
    if not listed and not mismatches:
        # A real paper the index lacks looks exactly like an invented one.
        return CitationResult(citation, UNVERIFIABLE, 0.5, suggestions=suggestions,
                              reason=f"not in the index, which cannot tell a missing paper "
                                     f"from an invented one: {why}")
    named = None if mismatches or citation.kind == "bibtex" else next(
        (c.record for c in candidates if _carries_title(citation.text, c.record)), None)
    if named is not None:
        # The fields were misread ("B. Baker*, O. Gupta*, ..." gave the title "O. Gupta"),
        # but the text names a real work: nothing here says the citation is invented.
        return CitationResult(
            citation, UNVERIFIABLE, 0.5, record=named, suggestions=suggestions,
            reason=f"its text carries the title of {named.title!r} ({named.venue}, "
                   f"{named.year}), but its authors, title and venue could not be told apart")
    misread_as = None if mismatches or citation.kind == "bibtex" else (
        "a list of names" if names_only(fields.title or "") else
        "a venue's name" if VENUE_START.match(fields.title or "")
        and venues.resolve(fields.title) is not None else
        "no title" if not_a_title(fields.title or "") else None)
    if misread_as is not None:
        # "Subspace Differential Privacy. Jie Gao, Ruobin Gong, ..." read with the title as
        # a name left the names as the title; a reference read from its names on took the
        # venue ("Proceedings of the 10th International Workshop ...") for its title: a
        # misreading, not a sign of invention.
        return CitationResult(
            citation, UNVERIFIABLE, 0.5, suggestions=suggestions,
            reason=f"the title read from it is {misread_as}: its authors, title and venue "
                   "could not be told apart")
    if citation.kind == "title" and not mismatches and _topic_like(citation):
        # "- Deep Residual Networks (He et al., CVPR 2016)", "**Contrastive Language-Image
        # Pretraining** (Radford et al., 2021)": words given with an in-text cite, neither
        # quoted nor linked, may name the cited work's topic rather than its title; the
        # cite is wrong only when its author has no work there.
        told, meant = _cited_authors_work(fields, venues, author_works)
        if not told or meant is not None:
            where = f"{venues.venue_key(fields.venue or '')} {fields.year}".strip()
            return CitationResult(
                citation, UNVERIFIABLE, 0.5, record=meant, suggestions=suggestions,
                reason="no record has this title, but the words before an in-text cite may "
                       "name the cited work's topic rather than its title"
                       + (f": {family_name(fields.authors[0])}'s {where} work is "
                          f"{meant.title!r}" if meant else ""))
    confidence = min(0.99, 0.5 + (NEAR_TITLE - min(best_title, NEAR_TITLE)) / NEAR_TITLE)
    reason = "no record in the index is close enough: probable hallucination"
    if listed:
        confidence = max(confidence, LISTED_MISS_CONFIDENCE)
        if not coverage.complete:
            reason = (f"not among the {venues.venue_key(fields.venue or '')} {fields.year} "
                      "papers, which the index lists completely: probable hallucination")
    if mismatches:
        confidence = max(confidence, 0.9)
    return CitationResult(citation, NOT_FOUND, confidence, mismatches=mismatches,
                          suggestions=suggestions, reason=reason)


def _found(citation: Citation, best: Comparison, problems: list[Mismatch],
           suggestions: list[Suggestion], venues: VenueTable, coverage: Coverage,
           versions: Versions | None) -> CitationResult:
    best, others = _closest_version(best, venues, versions)
    if citation.kind != "bibtex":  # a BibTeX author field is split at its "and"s, not guessed
        best = _without_misreadings(citation.text, best)
    # In a closed world every version is in the index, so a differing one is an error.
    if _another_version(best) and not problems and not coverage.complete:
        return CitationResult(
            citation, UNVERIFIABLE, 0.5, record=best.record, suggestions=suggestions,
            reason=f"a work with a similar title by the same authors appeared in "
                   f"{best.record.venue or 'another venue'} ({best.record.year}); the cited "
                   f"version is not in the index")
    severe, warnings, unconfirmed = _by_severity(best, others, venues, coverage)
    severe += [p for p in problems if all(p.field != m.field for m in severe)]
    title_certainty = max(0.0, (best.title_similarity - NEAR_TITLE) / (1 - NEAR_TITLE))
    if not best.cited.title:
        title_certainty = 1.0 if best.identifier_match else 0.5
    if severe:
        confidence = 0.6 + 0.39 * title_certainty
        return CitationResult(citation, MISMATCH, min(confidence, 0.99), record=best.record,
                              mismatches=severe, suggestions=suggestions, warnings=warnings,
                              reason="the work exists but the citation gets "
                                     + ", ".join(dict.fromkeys(m.field for m in severe))
                                     + " wrong")
    if unconfirmed is not None and unconfirmed.field == "authors":
        return CitationResult(
            citation, UNVERIFIABLE, 0.6, record=best.record, warnings=warnings,
            reason=f"the work exists, and the citation names its {best.authors.expected} "
                   "authors in the index's record and one more, which that record may lack")
    if unconfirmed is not None and not is_preprint_record(best.record, venues):
        return CitationResult(
            citation, UNVERIFIABLE, 0.6, record=best.record, warnings=warnings,
            reason=f"the work appeared in {best.record.venue} ({best.record.year}); the "
                   f"index does not list {unconfirmed.cited} completely and cannot tell "
                   "whether a journal version appeared there")
    if unconfirmed is not None:
        unknown = (coverage.venues and venues.venue_key(unconfirmed.cited)
                   not in coverage.venues)
        return CitationResult(
            citation, UNVERIFIABLE, 0.6, record=best.record, warnings=warnings,
            reason=f"the work exists, but the index holds only its preprint and cannot tell "
                   f"whether it appeared in {unconfirmed.cited}"
                   + (" (a venue no record in the index names)" if unknown else ""))
    author_support = best.authors.overlap if best.authors.cited else 0.7
    confidence = 0.55 + 0.25 * title_certainty + 0.2 * author_support
    return CitationResult(citation, VERIFIED, min(confidence, 0.99), record=best.record,
                          warnings=warnings)


# Words a list of names is written with besides the names themselves.
_LIST_WORDS = AND_WORDS | {"et", "al", "others"}


def _without_misreadings(text: str, comparison: Comparison) -> Comparison:
    """The comparison without the mismatches that misread names make, not the citation.

    Names a parser does not expect ("shi, g.", "Mausam", "Kawarabayashi, K.-i.", "LIU, T.")
    can end the author list early, and the rest runs into the title or the venue. When
    the citation's text names every author of the record, a shorter parsed list is no
    partial author list; when it holds the record's whole title, a title read with some
    authors' names before it ("Lillian Lee: Don't 'Have a Clue'? ...") or without its
    label ("Elo-Evolve: ...") is no wrong title; a venue of nothing but the authors' names
    is no wrong venue. A citation that drops authors still lacks their names, and one that
    changes the title lacks the record's.
    """
    if not comparison.mismatches or not comparison.record.authors:
        return comparison
    people = [name_parts(name) for name in comparison.record.authors]
    name_words = {word for person in people for word in person.words}
    title_words = set(normalize_text(comparison.record.title).split())
    text_words = set(normalize_text(text).split()) - title_words
    agreement = comparison.authors

    def misread(mismatch: Mismatch) -> bool:
        if mismatch.field == "authors":
            # The text names them all, or says "et al." after the names read ("Wu Y,
            # guo j, et al.": the lower-case name ended the list before its "et al.").
            named = all(person.core and person.core[-1] in text_words for person in people) or (
                _ET_AL.search(text) is not None and _ET_AL.search(comparison.record.title) is None)
            return (named and agreement.first_matches and agreement.matched == agreement.cited
                    and agreement.cited < agreement.expected) or _opens_with_names(
                text, comparison.record) or _split_otherwise(comparison.cited.authors,
                                                             comparison.record.authors)
        if mismatch.field == "title":
            return _carries_title(text, comparison.record)
        if mismatch.field == "venue":
            return _only_names(normalize_text(mismatch.cited).split(), name_words)
        return False

    kept = [mismatch for mismatch in comparison.mismatches if not misread(mismatch)]
    if len(kept) == len(comparison.mismatches):
        return comparison
    return replace(comparison, mismatches=kept)


_ET_AL = re.compile(r"\bet\.?\s?al\b")
# What stands right before and right after a title in a reference: the end of the names
# or year, a quote, emphasis, brackets; never a word ("Why Don't 'Have a Clue'?",
# "Acceleration via Fractal Learning Rate Schedules for Large Language Models") nor, after
# it, a colon ("Attention Is All You Need: A Survey" is another title). A colon before it
# ends a list of names ("Cristian Danescu-Niculescu-Mizil, Lillian Lee: Don't ..."), not a
# label ("ResNet: Deep Residual Learning ...").
_BEFORE_TITLE = frozenset(".;!?“”‘’\"'*_([{>—–-")
_AFTER_TITLE = frozenset(".,;!?”’\"'*_)]}<—–-(")


_LEAD_WORD_BEFORE = re.compile(r"(?<=[.,;:])\s+(?:In|in|Em|En|Dans|dans):?$")


def _carries_title(text: str, record: Record) -> bool:
    """The citation's text holds the record's whole title (a distinctive one), word for word
    and set off as a title is, whatever the parser made of the fields around it."""
    title = normalize_text(record.title)
    if len(title) < DISTINCTIVE_TITLE_CHARS or f" {title} " not in f" {normalize_text(text)} ":
        return False
    words = re.findall(r"\w+", record.title)
    for found in re.finditer(r"\W+".join(map(re.escape, words)), text, re.IGNORECASE):
        # (A lead word before it is no word of another title: "..., Rohban, M.H. In Scanning
        # Trojaned Models ...", where a style prints "In" before a paper's title.)
        lead = _LEAD_WORD_BEFORE.sub("", text[: found.start()].rstrip())
        before = lead[-1:]
        after = text[found.end():].lstrip()[:1]
        if before and before in ":,":
            # After a name, an initial or "et al." (LNCS: "Geng, Y.-a.: Decoupling ...";
            # comma styles: "Chang, Kent et al., Speak, Memory: An Archaeology ...").
            last = normalize_text(lead[:-1]).rsplit(" ", 1)[-1]
            set_off = len(last) == 1 or last == "al" or any(
                last in name_parts(name).words for name in record.authors)
        else:
            set_off = not before or before in _BEFORE_TITLE
        if set_off and (not after or after in _AFTER_TITLE):
            return True
    return False


def _topic_like(citation: Citation) -> bool:
    """A title given with its in-text cite, neither quoted nor linked, of a few words and no
    subtitle: "- X (He et al., 2016)", "**X** (He et al., 2016)"; a topic is named so too."""
    title = citation.fields.title or ""
    return (citation.text[:1] not in _TITLE_MARKS and bool(citation.fields.authors)
            and citation.fields.year is not None and ":" not in title
            and len(title.split()) <= TOPIC_WORDS)


def _cited_authors_work(fields: CitedFields, venues: VenueTable,
                        author_works: AuthorWorks | None) -> tuple[bool, Record | None]:
    """Whether the index can tell, and the cited first author's work in the cited venue-year
    that the cite may point to: (True, None) when the index holds no work of that author
    there (the cite itself is wrong); (False, None) without a look-up or for a name too
    common to search."""
    if author_works is None or fields.year is None:
        return False, None
    works = author_works(family_name(fields.authors[0]), fields.year)
    venue = venues.venue_key(fields.venue) if fields.venue else None
    there = [r for r in works if venue is None or venues.venue_key(r.venue or "") == venue]
    if there:
        return True, max(there, key=lambda r: title_similarity(fields.title, r.title))
    return len(works) < AUTHOR_WORKS, None


def _split_otherwise(cited: list[str], expected: list[str]) -> bool:
    """The cited names are the record's name words exactly, split into another number of
    names: "P, Deepak." read as "P" and "Deepak" for Deepak P (a one-letter family name)."""
    def words(names: list[str]) -> list[str]:
        return sorted(word for name in names for word in name_parts(name).words)

    return bool(cited) and len(cited) != len(expected) and words(cited) == words(expected)


def _opens_with_names(text: str, record: Record) -> bool:
    """The citation opens with the record's authors written out as the record writes them,
    in its order, with nothing but "and" between them, then its year or its title: however
    the parser split them ("Erik F. Tjong Kim Sang" read as "F. Erik"), they are right."""
    words = normalize_text(text).split()
    position = 0
    while position < len(words) and words[position].isdigit() and len(words[position]) <= 3:
        position += 1  # a list number
    for name in record.authors:
        while words[position:position + 1] == ["and"]:
            position += 1
        name_words = normalize_text(name).split()
        if not name_words or words[position:position + len(name_words)] != name_words:
            return False
        position += len(name_words)
    following = words[position:position + 1]
    return not following or following[0].isdigit() or following == normalize_text(
        record.title).split()[:1]


def _only_names(words: list[str], name_words: set[str]) -> bool:
    """Words of the record's authors' names (one at least, more than an initial), with
    initials, "and", "et al." and years between them."""
    return any(len(word) > 1 and word in name_words for word in words) and all(
        word in name_words or word in _LIST_WORDS or len(word) == 1
        or (word.isdigit() and len(word) == 4) for word in words)


def _closest_version(best: Comparison, venues: VenueTable,
                     versions: Versions | None) -> tuple[Comparison, list[Record]]:
    """The version of the work that agrees best with the citation, and the other versions."""
    if versions is None or not best.record.work:
        return best, []
    records = [v for v in versions(best.record) if v.id != best.record.id]
    if not records:
        return best, []
    comparisons = [best, *(compare(best.cited, record, venues) for record in records)]
    chosen = min(comparisons, key=lambda c: (len(c.mismatches), -c.title_similarity))
    return chosen, [c.record for c in comparisons if c is not chosen]


def _plausible_preprint_id(fields: CitedFields) -> bool:
    """A new-style arXiv id whose year (YYMM) is the cited year or the one before."""
    arxiv = fields.arxiv or ""
    if fields.year is None or not re.fullmatch(r"\d{4}\.\d{4,5}", arxiv):
        return False
    return fields.year - 1 <= 2000 + int(arxiv[:2]) <= fields.year


def _journal_version(cited: CitedFields, every: list[Record], venues: VenueTable,
                     coverage: Coverage) -> bool:
    """The citation names a journal that none of the work's versions in the index is in, in
    a year not before them, and the index does not list that journal's year completely.

    Conference papers get extended journal versions under the same title ("WordNet: A
    lexical database for English", a 1992 workshop paper and a 1995 CACM article); a
    citation of the version the index lacks is not wrong about venue and year.
    """
    journal = venues.resolve(cited.venue)
    if journal is None or journal.kind != "journal":
        return False
    if any(venues.resolve(record.venue) == journal for record in every):
        return False
    years = [record.year for record in every if record.year is not None]
    if cited.year is not None and years and cited.year < min(years):
        return False
    listed, _ = coverage.lists_completely(cited, venues)
    return not listed


def _year_slip(cited: CitedFields, record: Record, years: list[int],
               venues: VenueTable) -> bool:
    """A cited year a careful author also writes: one between the work's versions' years,
    the preprint's (a year before the proceedings, even when the index lacks the preprint),
    or the year the proceedings volume holding the paper was published."""
    if cited.year is None:
        return False
    if len(years) > 1 and min(years) <= cited.year <= max(years):
        return True
    if record.year is not None and cited.year == record.year - 1:
        return True
    return _proceedings_year(cited, record, venues)


def _proceedings_year(cited: CitedFields, record: Record, venues: VenueTable) -> bool:
    """The cited year is the publication year of the volume that holds the record's year:
    "Advances in Neural Information Processing Systems 7 (1995)" for a NeurIPS 1994 paper,
    as MIT Press published it; a citation of the volume is not wrong about the year."""
    venue = venues.resolve(cited.venue)
    return (venue is not None and cited.year is not None and record.year is not None
            and cited.year == record.year + 1
            and venue.volume_year(cited.volume) == record.year)


def _authors_beyond_record(comparison: Comparison) -> int:
    """How many authors the citation adds to a record whose every author it names, first
    author first (0 when it drops or replaces any)."""
    agreement = comparison.authors
    if agreement.matched != agreement.expected or not agreement.first_matches:
        return 0
    return agreement.cited - agreement.matched


def _more_authors_than_record(comparison: Comparison) -> bool:
    """Every author of the record cited, in order, plus one or two more.

    Versions of a work differ in their author lists (Imagen has 15 authors on arXiv and
    13 in the NeurIPS proceedings), so a long citation listing a record's authors and a
    couple more may cite another version; dropped or replaced authors stay errors.
    """
    cited = comparison.cited
    if comparison.authors.cited < LONG_AUTHOR_LIST:
        return False
    if 0 < _authors_beyond_record(comparison) <= MAX_EXTRA_AUTHORS:
        return True
    # A list cut by "et al." (Cell prints ten names): the record's first authors, and one or
    # two it lacks among them (Imagen's tenth on arXiv, S. Sara Mahdavi, is not in NeurIPS's).
    return cited.et_al and any(
        leading.first_matches and leading.matched == leading.expected
        for leading in (compare_authors(cited.authors, list(
            comparison.record.authors[:len(cited.authors) - extra]))
            for extra in range(1, MAX_EXTRA_AUTHORS + 1)))


def _one_author_more_than_record(comparison: Comparison) -> bool:
    """A short list with every author of the record and one more: sources drop authors
    (an ICML list records 3 of a paper's 4), so the record cannot refute the extra one."""
    return comparison.authors.expected >= 2 and _authors_beyond_record(comparison) == 1


def _record_list_cut_short(comparison: Comparison) -> bool:
    """A long list of the record's first authors with no "et al." after them."""
    cited = comparison.cited
    if cited.et_al or len(cited.authors) < LONG_AUTHOR_LIST:
        return False
    leading = compare_authors(cited.authors, list(comparison.record.authors[:len(cited.authors)]))
    return leading.first_matches and leading.matched == leading.cited == leading.expected


def _another_version(best: Comparison) -> bool:
    """A similar but different title at another venue and year: most likely a version the
    index lacks (a journal extension of a conference paper), not an altered citation."""
    fields = {m.field for m in best.mismatches}
    return best.title_similarity < SAME_TITLE and {"title", "venue", "year"} <= fields


def _organisations_only(authors: list[str]) -> bool:
    """The work credited to labs or companies ("Google Brain and Google Research"): no
    person is named, so none is misnamed; the index holds no affiliations to check."""
    return bool(authors) and all(ORGANISATION.search(name) for name in authors)


def _by_severity(best: Comparison, others: list[Record], venues: VenueTable,
                 coverage: Coverage) -> tuple[list[Mismatch], list[Mismatch], Mismatch | None]:
    """Split a comparison's mismatches into errors, slips, and a field no record can refute.

    Errors make a citation untrustworthy (another title, wrong or invented authors, a
    venue or year no version of the work has, another work's DOI); slips are what a
    careful author also writes (a year between its versions' years, "arXiv" for a
    published work).
    """
    cited = best.cited
    every = [best.record, *others]
    years = [r.year for r in every if r.year is not None]
    published = [r for r in every if r.venue and not is_preprint_record(r, venues)]
    severe: list[Mismatch] = []
    warnings: list[Mismatch] = []
    unconfirmed: Mismatch | None = None
    journal_version = _journal_version(cited, every, venues, coverage)
    for mismatch in best.mismatches:
        if journal_version and mismatch.field in ("venue", "year"):
            # The journal version's venue and year: neither can be checked in the index.
            if mismatch.field == "venue":
                unconfirmed = mismatch
        elif ((mismatch.field == "year" and _year_slip(cited, best.record, years, venues))
              or (mismatch.field == "authors" and (_more_authors_than_record(best)
                                                   or _record_list_cut_short(best)
                                                   or _organisations_only(cited.authors)))):
            warnings.append(mismatch)
        elif mismatch.field == "authors" and _one_author_more_than_record(best):
            unconfirmed = mismatch
        elif mismatch.field == "venue" and not published:
            # Only the preprint is known: a published venue can be confirmed or refuted
            # only by a complete list of that venue-year.
            listed, _ = coverage.lists_completely(cited, venues)
            if listed:
                severe.append(mismatch)
            else:
                unconfirmed = mismatch
        else:
            severe.append(mismatch)
    cited_venue = venues.resolve(cited.venue)
    if cited_venue is not None and cited_venue.is_preprint and published:
        warnings.append(Mismatch("venue", cited.venue or "arXiv", str(published[0].venue)))
    return severe, warnings, unconfirmed
