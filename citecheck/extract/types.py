"""The typed output of extraction: a Citation span and the fields parsed from it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from citecheck.records import WorkFields

KINDS = ("reference", "bibtex", "doi", "arxiv", "url", "inline", "title", "isbn", "pmid")


@dataclass(slots=True, kw_only=True)
class CitedFields(WorkFields):
    """What a citation claims about the work it cites."""

    volume: str | None = None
    pages: str | None = None
    isbn: str | None = None
    pmid: str | None = None
    et_al: bool = False
    readings: list[CitedFields] = field(default_factory=list)
    """Other complete parses of the same text, for the record to choose among (authors
    read another way, another title boundary); empty when the text has one reading."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title, "authors": list(self.authors), "year": self.year,
            "venue": self.venue, "doi": self.doi, "arxiv": self.arxiv,
        }

    def key(self) -> tuple[object, ...]:
        """Every parsed field, readings included: two citations may share a verdict only
        when their keys are equal ("In-Context" and "In Context" are two keys)."""
        return (self.title, tuple(self.authors), self.year, self.venue, self.doi, self.arxiv,
                self.url, self.volume, self.pages, self.isbn, self.pmid, self.et_al,
                tuple(reading.key() for reading in self.readings))

    def full_dict(self) -> dict[str, Any]:
        return asdict(self)

    def is_empty(self) -> bool:
        return not (self.title or self.authors or self.doi or self.arxiv or self.url
                    or self.isbn or self.pmid)


@dataclass(slots=True)
class Citation:
    """One citation-like span of the input text."""

    text: str
    span: tuple[int, int]
    kind: str
    fields: CitedFields
    key: str | None = None
    """BibTeX key, reference number or label, used to link in-text citations to entries."""
    links_to: int | None = None
    """For in-text citations: the position in the citation list of the entry they cite."""
    problem: str | None = None
    """Why this citation cannot be checked (an entry that could not be parsed, one past the
    per-input cap): it is reported ``unverifiable`` with this reason, never dropped."""


def disjoint(citations: list[Citation]) -> list[Citation]:
    """The citations in document order, each one overlapping an earlier one left out."""
    kept: list[Citation] = []
    for citation in sorted(citations, key=lambda c: c.span):
        if not kept or citation.span[0] >= kept[-1].span[1]:
            kept.append(citation)
    return kept
