"""Rendering records as references: BibTeX and the common plain-text styles."""

from __future__ import annotations

import re

from citecheck.records import Record, family_name, normalize_text

STYLES = ("ieee", "apa", "plain")


def bibtex_key(record: Record) -> str:
    first = normalize_text(family_name(record.authors[0])).replace(" ", "") if record.authors else ""
    word = next((w for w in normalize_text(record.title).split() if len(w) > 3), "work")
    return f"{first or 'anon'}{record.year or ''}{word}"


def format_bibtex(record: Record, key: str | None = None) -> str:
    """A BibTeX entry for a record (title braced to keep its capitalisation)."""
    entry_type = record.type if record.type in {"article", "inproceedings", "misc", "book",
                                                "incollection", "phdthesis"} else (
        "article" if record.venue and re.search(r"journal|trans\.|letters", record.venue, re.I)
        else "inproceedings" if record.venue else "misc")
    venue_field = "journal" if entry_type == "article" else "booktitle"
    fields = [("title", "{" + record.title + "}"), ("author", " and ".join(record.authors))]
    if record.venue:
        fields.append((venue_field, record.venue))
    for name, value in (("year", record.year), ("doi", record.doi), ("eprint", record.arxiv),
                        ("url", record.url)):
        if value:
            fields.append((name, str(value)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{key or bibtex_key(record)},\n{body}\n}}"


def _apa_name(name: str) -> str:
    family = family_name(name)
    given = name[: len(name) - len(family)].split() if name.endswith(family) else []
    initials = " ".join(part[0] + "." for part in given if part[:1].isalpha())
    return f"{family}, {initials}".strip(", ")


def format_authors(names: list[str], style: str) -> str:
    if style == "apa":
        rendered = [_apa_name(n) for n in names]
        return rendered[0] if len(rendered) == 1 else ", ".join(rendered[:-1]) + ", & " + rendered[-1]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def format_reference(record: Record, style: str = "ieee") -> str:
    """A plain-text reference in one of ``STYLES``."""
    authors = format_authors(record.authors, style) if record.authors else ""
    tail = f" https://doi.org/{record.doi}" if record.doi else (
        f" arXiv:{record.arxiv}" if record.arxiv else "")
    if style == "apa":
        venue = f" {record.venue}." if record.venue else ""
        return f"{authors} ({record.year or 'n.d.'}). {record.title}.{venue}{tail}".strip()
    venue = f" In {record.venue}," if record.venue else ""
    return f"{authors}. {record.title}.{venue} {record.year or 'n.d.'}.{tail}".strip()


def detect_style(text: str) -> str:
    """The style a reference string is written in, as far as rendering a fix needs."""
    if re.search(r"^\s*@\w+\s*[{(]", text):
        return "bibtex"
    if re.search(r"\((?:19|20)\d\d[a-z]?\)", text) and re.search(r"[A-Z][\w'\-]+, (?:[A-Z]\.\s?)+", text):
        return "apa"
    return "ieee"


def render_like(record: Record, original: str, key: str | None = None) -> str:
    """``record`` rendered in the style of the citation text it replaces."""
    style = detect_style(original)
    return format_bibtex(record, key=key) if style == "bibtex" else format_reference(record, style)
