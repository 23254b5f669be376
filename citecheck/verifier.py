"""Verifier: the library entry point, owning one opened index; safe to share across threads."""

from __future__ import annotations

import gc
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from citecheck.errors import DeadlineError, OnlineError
from citecheck.extract import Citation, CitedFields, extract
from citecheck.extract.pipeline import MAX_CITATIONS
from citecheck.extract.references import parse_reference
from citecheck.index import Index
from citecheck.index.encoders import Encoder
from citecheck.match import Candidate, retrieve_many
from citecheck.records import Record
from citecheck.report import IndexInfo, Report
from citecheck.venues import VenueTable, default_venue_table
from citecheck.verdict import (
    AUTHOR_WORKS,
    NOT_FOUND,
    UNVERIFIABLE,
    CitationResult,
    Coverage,
    decide,
)

if TYPE_CHECKING:  # requests costs a CLI run ~0.3 s; only --online needs it
    from citecheck.online import OnlineResolver


# Citations between two looks at a caller's deadline: retrieval batches this many at once
# (a few tens of milliseconds of work), so a spent budget frees its thread that soon.
DEADLINE_STEP = 32


def _check(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise DeadlineError("verification stopped: its time budget ran out")


def work_key(fields: CitedFields) -> tuple[object, ...]:
    """Citations with the same key are verified once: only identical parsed fields share a
    verdict, so two texts that differ by a hyphen or a word are checked independently."""
    return fields.key()


class Verifier:
    """Verifies citations against one index; the model and index are loaded once."""

    def __init__(self, index: Index, *, venues: VenueTable | None = None,
                 today: date | None = None, closed_world: bool | None = None,
                 online: OnlineResolver | None = None,
                 max_citations: int = MAX_CITATIONS) -> None:
        """``closed_world``: treat the index as complete, so that a citation it lacks is
        ``not_found`` even outside the venues and years it holds (default: what the
        index's manifest says, else open world). ``online``: a resolver consulted for
        citations the index lacks (off unless given). ``max_citations``: citations of one
        text checked at most; the rest are reported ``unverifiable`` as not checked."""
        self.index = index
        self.max_citations = max_citations
        self.online = online
        self.venues = venues or default_venue_table()
        self.today = today
        coverage = index.manifest.coverage or {}
        if closed_world is None:
            closed_world = bool(coverage.get("complete", False))
        self.closed_world = closed_world
        listed = coverage.get("complete_venue_years") or {}
        self.coverage = Coverage(frozenset(coverage.get("venues", ())),
                                 frozenset(coverage.get("years", ())), closed_world,
                                 {venue: frozenset(years) for venue, years in listed.items()})

    @classmethod
    def open(cls, path: Path | str | None = None, *, encoder: Encoder | None = None,
             today: date | None = None, closed_world: bool | None = None,
             online: OnlineResolver | None = None,
             max_citations: int = MAX_CITATIONS) -> Verifier:
        """Open the index at ``path`` (default: the default index, which must exist)."""
        from citecheck.config import default_index_dir

        return cls(Index.open(path or default_index_dir(), encoder=encoder), today=today,
                   closed_world=closed_world, online=online, max_citations=max_citations)

    def warm_up(self) -> None:
        """Load the encoder's model now, so that no later verification pays for it.

        The model loads on first use (seconds, for MiniLM), and only citations the
        lexical channel cannot find need it; a service warms up before serving.
        """
        self.index.encoder.encode_batch(["warm up"])

    @property
    def index_info(self) -> IndexInfo:
        return IndexInfo(str(self.index.path), self.index.manifest.count,
                         self.index.manifest.model)

    def verify_citations(self, citations: list[Citation], *,
                         deadline: float | None = None) -> list[CitationResult]:
        """Verify extracted citations; the same work is checked once, in-text cites follow their entry.

        ``deadline`` (a ``time.monotonic()`` value): stop with :class:`DeadlineError` once it
        has passed, checked every DEADLINE_STEP citations, so that a caller that has given up
        (the service, after answering 504) gets its worker back.
        """
        results: list[CitationResult | None] = [None] * len(citations)
        unique: dict[tuple[object, ...], list[int]] = {}
        for position, citation in enumerate(citations):
            if citation.links_to is not None:
                continue
            unique.setdefault((work_key(citation.fields), citation.problem), []).append(position)
        firsts = [positions[0] for positions in unique.values()]
        # A citation with a problem (unparsed, past the cap) is reported, not looked up.
        checkable = [p for p in firsts if citations[p].problem is None and (
            citations[p].fields.title or citations[p].fields.doi or citations[p].fields.arxiv)]
        step = DEADLINE_STEP if deadline is not None else max(1, len(checkable))
        candidates: dict[int, list[Candidate]] = {}
        for start in range(0, len(checkable), step):
            _check(deadline)
            part = checkable[start:start + step]
            candidates.update(zip(part, retrieve_many(
                self.index, [(citations[p].fields, citations[p].text) for p in part]),
                strict=True))
        for number, positions in enumerate(unique.values()):
            if number % DEADLINE_STEP == 0:
                _check(deadline)
            first = positions[0]
            result = decide(citations[first], candidates.get(first, []), self.venues,
                            self.coverage, today=self.today, versions=self._versions,
                            author_works=self._author_works)
            if self.online is not None and result.verdict in (NOT_FOUND, UNVERIFIABLE):
                result = self._consult_online(result)
            for position in positions:
                results[position] = replace(result, citation=citations[position])
        for position, citation in enumerate(citations):
            if citation.links_to is not None:
                target = results[citation.links_to]
                results[position] = (replace(target, citation=citation) if target is not None else
                                     CitationResult(citation, UNVERIFIABLE, 0.5,
                                                    reason="linked entry could not be checked"))
        return [r for r in results if r is not None]

    def _versions(self, record: Record) -> list[Record]:
        return self.index.store.versions(record.work) if record.work else [record]

    def _author_works(self, family: str, year: int) -> list[Record]:
        store = self.index.store
        return list(store.get(store.rids_by_family_year(family, year, AUTHOR_WORKS)).values())

    def _consult_online(self, local: CitationResult) -> CitationResult:
        """Look a citation the index lacks up online; a failure keeps the local verdict.

        A lookup that could not run says nothing about the work, so the verdict stays
        what the index said (a local not_found stays not_found) and the reason says why
        the online check is missing.
        """
        assert self.online is not None
        fields = local.citation.fields
        if not (fields.title or fields.doi or fields.arxiv):
            return local
        try:
            found = self.online.resolve(fields)
        except OnlineError as exc:
            reason = f"{local.reason}; " if local.reason else ""
            # The message says what failed ("online lookup failed: ...", "... budget is spent").
            return replace(local, reason=f"{reason}{exc}")
        if not found.records:
            if local.verdict == UNVERIFIABLE and fields.title:
                return replace(local, verdict=NOT_FOUND, confidence=0.8,
                               reason=f"not in the index nor found online "
                                      f"({', '.join(found.services)})")
            return local
        online = decide(local.citation, [Candidate(r, 1.0) for r in found.records],
                        self.venues, Coverage(frozenset(), frozenset(), complete=True),
                        today=self.today)
        via = ", ".join(found.services) or "online"
        return replace(online, reason=f"{online.reason or online.verdict} (checked online: {via})")

    def verify_text(self, text: str, *, source: str = "<text>",
                    format: str | None = None) -> Report:
        """Find and verify every citation in ``text``."""
        citations = extract(text, format=format, max_citations=self.max_citations)
        return Report(source, self.index_info, self.verify_citations(citations))

    def verify_reference(self, reference: str) -> CitationResult:
        """Verify one reference string (any style, or a BibTeX entry)."""
        citations = [c for c in extract(reference) if c.kind in ("bibtex", "reference")]
        if citations:
            citation = citations[0]
        else:
            citation = Citation(reference, (0, len(reference)), "reference",
                                parse_reference(reference))
        return self.verify_citations([citation])[0]

    def verify_many(self, texts: list[str]) -> list[Report]:
        """Verify many texts, embedding all their citations in one batch."""
        return self.verify_extracted([extract(text, max_citations=self.max_citations)
                                      for text in texts])

    def verify_extracted(self, extracted: list[list[Citation]], *,
                         deadline: float | None = None) -> list[Report]:
        """Verify the citations already extracted from several texts, one report per text.

        For callers that look at the citations first (the service caps their number and
        gives a ``deadline``, as in :meth:`verify_citations`).
        """
        flat = [c for citations in extracted for c in citations]
        # Links are positions within one text; shift them into the flat list.
        offset = 0
        shifted: list[Citation] = []
        for citations in extracted:
            for citation in citations:
                links = citation.links_to + offset if citation.links_to is not None else None
                shifted.append(replace(citation, links_to=links))
            offset += len(citations)
        results = self.verify_citations(shifted, deadline=deadline) if flat else []
        reports, start = [], 0
        for number, citations in enumerate(extracted):
            reports.append(Report(f"<text {number}>", self.index_info,
                                  results[start:start + len(citations)]))
            start += len(citations)
        return reports

    def close(self) -> None:
        self.index.close()

    def __enter__(self) -> Verifier:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# Full collections once settle_collector has run: one per this many middle-generation (1)
# collections, against Python's 10 (~30,000 invented references a process, against ~340).
FULL_COLLECTION_EVERY = 1000


def settle_collector() -> None:
    """Make this process's full garbage collections rare, for a long verification run.

    For a process that verifies for long (batch workers, the service), called once its
    verifier is open: it sets the whole process's collector, so the library leaves it to
    the program.

    A verifier's caches grow to hundreds of thousands of objects, and each of Python's full
    collections walks all of them: ~250 ms apiece, 7 of them in 3,000 invented references,
    0.6 ms a reference (15 % of the work). The garbage a verification leaves in reference
    cycles (pylatexenc's parse errors: ~2 objects a reference) dies young and is found by the
    young collections, which stay as they are. What is loaded by now (modules, the index)
    is never garbage, so no collection walks it again (nor, in a forked worker, copies the
    pages it shares with its parent).
    """
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)
