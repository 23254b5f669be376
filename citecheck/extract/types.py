"""The typed output of extraction: a Citation span and the fields parsed from it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("reference", "bibtex", "doi", "arxiv", "url", "inline", "title", "isbn", "pmid")


@dataclass(slots=True)
class CitedFields:
    """What a citation claims about the work it cites."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    doi: str | None = None
    arxiv: str | None = None
    url: str | None = None
    volume: str | None = None
    pages: str | None = None
    isbn: str | None = None
    pmid: str | None = None
    et_al: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title, "authors": list(self.authors), "year": self.year,
            "venue": self.venue, "doi": self.doi, "arxiv": self.arxiv,
        }

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
